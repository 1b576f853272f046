package io.callstitch.rekey;

/**
 * Checks that a text is an IPv4 or IPv6 address literal, without ever resolving a name
 * ({@code InetAddress.getByName} would do a DNS lookup for anything else).
 */
public final class IpAddresses {
    /** Longest valid literal: a full IPv6 address with an embedded IPv4 tail. */
    public static final int MAX_LENGTH = 45;

    private IpAddresses() {}

    public static boolean isValid(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) {
            return false;
        }
        return text.indexOf(':') >= 0 ? isIpv6(text) : isIpv4(text, 0, text.length());
    }

    static boolean isIpv4(String text, int from, int to) {
        int octets = 0;
        int i = from;
        while (i <= to) {
            int end = text.indexOf('.', i);
            if (end < 0 || end > to) {
                end = to;
            }
            int length = end - i;
            // a leading zero reads as octal in some tools: reject it rather than guess
            if (length < 1 || length > 3 || (length > 1 && text.charAt(i) == '0')) {
                return false;
            }
            int value = 0;
            for (int k = i; k < end; k++) {
                char ch = text.charAt(k);
                if (ch < '0' || ch > '9') {
                    return false;
                }
                value = value * 10 + (ch - '0');
            }
            if (value > 255) {
                return false;
            }
            octets++;
            i = end + 1;
            if (end == to) {
                break;
            }
        }
        return octets == 4 && text.charAt(to - 1) != '.';
    }

    static boolean isIpv6(String text) {
        int doubleColon = text.indexOf("::");
        if (doubleColon >= 0 && text.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        int groups = 0;
        int i = 0;
        int n = text.length();
        if (doubleColon == 0) {
            i = 2;
        } else if (text.charAt(0) == ':') {
            return false;
        }
        while (i < n) {
            int end = text.indexOf(':', i);
            if (end < 0) {
                end = n;
            }
            String group = text.substring(i, end);
            if (end == n && group.indexOf('.') >= 0) {
                // an IPv4 tail counts as two groups
                if (!isIpv4(text, i, n)) {
                    return false;
                }
                groups += 2;
            } else {
                if (group.isEmpty() || group.length() > 4 || !isHex(group)) {
                    return false;
                }
                groups++;
            }
            if (end == n) {
                break;
            }
            if (end == doubleColon) {
                i = end + 2;
            } else {
                i = end + 1;
                if (i == n) {
                    return false;
                }
            }
        }
        return doubleColon >= 0 ? groups <= 7 : groups == 8;
    }

    private static boolean isHex(String group) {
        for (int k = 0; k < group.length(); k++) {
            char ch = group.charAt(k);
            boolean hex = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
            if (!hex) {
                return false;
            }
        }
        return true;
    }
}
