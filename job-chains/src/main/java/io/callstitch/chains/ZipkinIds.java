package io.callstitch.chains;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Zipkin ids from call ids: the first bytes of the SHA-256 of the id, in lowercase hex. A trace id
 * has 128 bits (32 hex digits) and comes from the id of the trace's root call; a span id has 64 bits
 * (16 hex digits) and comes from the call's own id. Anyone holding a call id can find its span.
 */
public final class ZipkinIds {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private ZipkinIds() {}

    public static String traceId(String rootCallId) {
        return hex(rootCallId, 16);
    }

    public static String spanId(String callId) {
        return hex(callId, 8);
    }

    private static String hex(String id, int bytes) {
        byte[] digest = sha256(id);
        boolean allZero = true;
        StringBuilder out = new StringBuilder(bytes * 2);
        for (int i = 0; i < bytes; i++) {
            allZero &= digest[i] == 0;
            out.append(HEX[(digest[i] >> 4) & 0xF]).append(HEX[digest[i] & 0xF]);
        }
        if (allZero) {
            // Zipkin reads an all-zero id as no id; one in 2^64 ids would hit this
            out.setCharAt(out.length() - 1, '1');
        }
        return out.toString();
    }

    private static byte[] sha256(String id) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
