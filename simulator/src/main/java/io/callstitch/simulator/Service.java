package io.callstitch.simulator;

import java.util.Random;

/** A service of the simulated system: its instances are hosts, one ip each. */
enum Service {
    GATEWAY(1, 1),
    WEB(2, 3),
    AUTH(3, 2),
    USERS(4, 3),
    ORDERS(5, 3),
    INVENTORY(6, 3),
    PAYMENTS(7, 2),
    CACHE(8, 2),
    DATABASE(9, 2);

    private final int number;
    private final int instances;

    Service(int number, int instances) {
        this.number = number;
        this.instances = instances;
    }

    /** The ip of one instance, chosen at random (a load balancer). */
    String pickInstance(Random random) {
        return "10." + number + ".0." + (1 + random.nextInt(instances));
    }

    /** The ips of every instance, for clock skew per host. */
    String[] instanceIps() {
        String[] ips = new String[instances];
        for (int i = 0; i < instances; i++) {
            ips[i] = "10." + number + ".0." + (1 + i);
        }
        return ips;
    }
}
