package io.callstitch.infra.kafka;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports the OS has just handed out, so parallel or leftover brokers on the default ports cannot collide. */
final class FreePorts {
    private FreePorts() {}

    /** Two distinct free ports on 127.0.0.1: both sockets are held open together, so they cannot be the same. */
    static int[] two() throws IOException {
        InetAddress loopback = InetAddress.getByName(LocalKafka.Config.DEFAULT_HOST);
        try (ServerSocket first = new ServerSocket(0, 1, loopback); ServerSocket second = new ServerSocket(0, 1, loopback)) {
            return new int[] {first.getLocalPort(), second.getLocalPort()};
        }
    }
}
