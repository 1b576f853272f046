package io.callstitch.infra;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Whether a TCP port on the local host is free to listen on, or already answers. */
public final class Ports {
    private static final int CONNECT_TIMEOUT_MS = 500;

    private Ports() {}

    /** True when nothing listens on {@code host:port}, so a child JVM can. */
    public static boolean isFree(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * True when one address of a {@code host:port[,host:port...]} bootstrap list accepts a TCP connection; false also
     * for addresses that do not parse, which the client would reject anyway.
     */
    public static boolean anyListening(String bootstrap) {
        for (String address : bootstrap.split(",")) {
            String trimmed = address.trim();
            int colon = trimmed.lastIndexOf(':');
            if (colon <= 0) {
                continue;
            }
            try {
                if (isListening(trimmed.substring(0, colon), Integer.parseInt(trimmed.substring(colon + 1)))) {
                    return true;
                }
            } catch (IllegalArgumentException e) {
                // not a port number, or out of range: this address cannot be a broker
            }
        }
        return false;
    }

    /** True when a TCP connection to {@code host:port} is accepted. */
    public static boolean isListening(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
