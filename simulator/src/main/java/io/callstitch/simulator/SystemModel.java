package io.callstitch.simulator;

import static io.callstitch.simulator.RequestType.call;
import static io.callstitch.simulator.RequestType.parallel;

import java.util.List;

/**
 * The simulated microservice system: clients call the gateway; request types go as deep as 8 calls,
 * fan out, call downstream one after the other and in parallel, and call back into a service met
 * earlier in the same request (orders calls web again, whose instance may be another).
 */
final class SystemModel {
    static final int CLIENTS = 50;

    static final List<RequestType> REQUEST_TYPES = List.of(
            new RequestType("browse", 0.45, call(Service.GATEWAY,
                    parallel(Service.WEB, call(Service.CACHE), call(Service.USERS, call(Service.DATABASE))))),
            new RequestType("search", 0.25, call(Service.GATEWAY,
                    call(Service.WEB, call(Service.AUTH),
                            parallel(Service.INVENTORY, call(Service.DATABASE), call(Service.DATABASE), call(Service.CACHE))))),
            new RequestType("checkout", 0.15, call(Service.GATEWAY,
                    call(Service.WEB, call(Service.AUTH, call(Service.USERS, call(Service.CACHE))),
                            call(Service.ORDERS,
                                    call(Service.INVENTORY, call(Service.PAYMENTS, call(Service.AUTH,
                                            call(Service.USERS, call(Service.DATABASE))))),
                                    call(Service.DATABASE))))),
            new RequestType("order-status", 0.15, call(Service.GATEWAY,
                    call(Service.WEB, call(Service.ORDERS, call(Service.DATABASE),
                            // a callback into a service met earlier in the request
                            call(Service.WEB, call(Service.CACHE)))))));

    private SystemModel() {}

    static String clientIp(int client) {
        // apart from 10.0.0.x, where the worked examples live, so the two can share a demo
        return "10.200." + (client / 250) + "." + (1 + client % 250);
    }
}
