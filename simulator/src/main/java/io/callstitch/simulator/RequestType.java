package io.callstitch.simulator;

import java.util.List;

/**
 * One kind of request: a tree of calls. A node is a call into a service; its children are the calls
 * that service makes while serving it, one after the other or in parallel.
 */
final class RequestType {
    final String name;
    final double weight;
    final Node root;

    RequestType(String name, double weight, Node root) {
        this.name = name;
        this.weight = weight;
        this.root = root;
    }

    /** A call into {@code service}, which then makes the calls {@code children}. */
    static final class Node {
        final Service service;
        final boolean parallel;
        final List<Node> children;

        Node(Service service, boolean parallel, List<Node> children) {
            this.service = service;
            this.parallel = parallel;
            this.children = children;
        }

        int depth() {
            int deepest = 0;
            for (Node child : children) {
                deepest = Math.max(deepest, child.depth());
            }
            return 1 + deepest;
        }
    }

    static Node call(Service service, Node... children) {
        return new Node(service, false, List.of(children));
    }

    static Node parallel(Service service, Node... children) {
        return new Node(service, true, List.of(children));
    }
}
