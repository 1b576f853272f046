package io.callstitch.rekey;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressesTest {

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "0.0.0.0", "255.255.255.255", "192.168.1.20", "::", "::1", "fe80::1",
            "2001:db8:0:0:0:0:2:1", "2001:db8::2:1", "::ffff:10.0.0.1", "1::", "ABCD:ef01:2345:6789:abcd:ef01:2345:6789"})
    void acceptsAddressLiterals(String text) {
        assertTrue(IpAddresses.isValid(text), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.0.0", "10.0.0.1.2", "256.0.0.1", "10.0.0.01", "10..0.1", "10.0.0.1.", ".10.0.0.1",
            "a.b.c.d", "localhost", "example.com", "1:2:3:4:5:6:7:8:9", "1::2::3", ":1:2", "1:2:", "12345::1",
            "fe80::1%eth0", "::ffff:256.0.0.1", " 10.0.0.1", "10.0.0.1 "})
    void rejectsAnythingElse(String text) {
        assertFalse(IpAddresses.isValid(text), text);
    }
}
