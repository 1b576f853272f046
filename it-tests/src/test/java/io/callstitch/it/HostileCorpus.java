package io.callstitch.it;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import io.callstitch.schema.Call;
import io.callstitch.schema.Reason;
import io.callstitch.schema.Status;
import io.callstitch.simulator.ProbeJson;

/**
 * Malformed and hostile raw records, each with what must become of it: a dead letter with a reason, or
 * a stitched call with a status. Built around one moment of the test traffic, {@code t0}, on ips of
 * their own, so that the valid ones meet no background call by accident.
 */
final class HostileCorpus {
    /** One raw record as the test sends it, with its fate. */
    static final class Entry {
        final String name;
        final byte[] value;
        final byte[] key;
        /** Null for a record that must be stitched (or dropped, when {@link #call} repeats an earlier record). */
        final Reason reason;
        /** The valid call the record carries, when it does. */
        final Call call;
        final Status status;
        /** Sent to this raw partition; -1: round-robin like the rest. */
        final int partition;

        private Entry(String name, byte[] value, byte[] key, Reason reason, Call call, Status status, int partition) {
            this.name = name;
            this.value = value;
            this.key = key;
            this.reason = reason;
            this.call = call;
            this.status = status;
            this.partition = partition;
        }
    }

    final List<Entry> entries = new ArrayList<>();

    HostileCorpus(long t0, long farFutureMs, Call aBackgroundCall) {
        bad("truncated JSON", "{\"id\":\"h1\",\"src_ip\":\"10.0", Reason.UNPARSEABLE);
        bad("not JSON", "a call from 10.0.0.1 to 10.0.0.2", Reason.UNPARSEABLE);
        bad("a JSON array", "[1,2,3]", Reason.UNPARSEABLE);
        bad("a JSON string", "\"a call\"", Reason.UNPARSEABLE);
        bad("text after the object", json("h5", "10.8.1.1", "10.8.1.2", t0, 5) + " {}", Reason.UNPARSEABLE);
        bad("a field twice", json("h6", "10.8.1.1", "10.8.1.2", t0, 5).replace("{", "{\"id\":\"h6b\","), Reason.UNPARSEABLE);
        entries.add(new Entry("an empty message", new byte[0], null, Reason.UNPARSEABLE, null, null, -1));
        entries.add(new Entry("a null value", null, "tombstone".getBytes(StandardCharsets.UTF_8), Reason.UNPARSEABLE, null, null, -1));
        bad("a raw control character", json("h9\u0001x", "10.8.1.1", "10.8.1.2", t0, 5), Reason.UNPARSEABLE);
        byte[] notUtf8 = json("h10__", "10.8.1.1", "10.8.1.2", t0, 5).getBytes(StandardCharsets.UTF_8);
        notUtf8[10] = (byte) 0xC3;
        notUtf8[11] = (byte) 0x28;
        entries.add(new Entry("bytes that are not UTF-8", notUtf8, null, Reason.UNPARSEABLE, null, null, -1));
        bad("a heartbeat with a call's fields", "{\"heartbeat_at_ms\":" + t0 + ",\"id\":\"h11\"}", Reason.UNPARSEABLE);
        bad("id missing", json("h12", "10.8.1.1", "10.8.1.2", t0, 5).replace("\"id\":\"h12\",", ""), Reason.MISSING_FIELD);
        bad("id empty", json("", "10.8.1.1", "10.8.1.2", t0, 5), Reason.MISSING_FIELD);
        bad("id null", json("h14", "10.8.1.1", "10.8.1.2", t0, 5).replace("\"h14\"", "null"), Reason.MISSING_FIELD);
        bad("end missing", json("h15", "10.8.1.1", "10.8.1.2", t0, 5).replaceAll(",\"end_at_ms\":\\d+", ""), Reason.MISSING_FIELD);
        bad("id a number", json("h16", "10.8.1.1", "10.8.1.2", t0, 5).replace("\"h16\"", "16"), Reason.WRONG_TYPE);
        bad("start a string", json("h17", "10.8.1.1", "10.8.1.2", t0, 5).replace("\"start_at_ms\":" + t0,
                "\"start_at_ms\":\"" + t0 + "\""), Reason.WRONG_TYPE);
        bad("latency a fraction", json("h18", "10.8.1.1", "10.8.1.2", t0, 5).replace("\"latency_msec\":5", "\"latency_msec\":5.5"),
                Reason.WRONG_TYPE);
        bad("latency with an exponent", json("h19", "10.8.1.1", "10.8.1.2", t0, 5).replace("\"latency_msec\":5", "\"latency_msec\":5e0"),
                Reason.WRONG_TYPE);
        bad("a start that overflows a long", json("h20", "10.8.1.1", "10.8.1.2", t0, 5).replace("\"start_at_ms\":" + t0,
                "\"start_at_ms\":99999999999999999999"), Reason.WRONG_TYPE);
        bad("an ip as a number", json("h21", "10.8.1.1", "10.8.1.2", t0, 5).replace("\"10.8.1.1\"", "168296705"), Reason.WRONG_TYPE);
        bad("a heartbeat below zero", "{\"heartbeat_at_ms\":-1}", Reason.WRONG_TYPE);
        bad("a negative start", raw("h23", "10.8.1.1", "10.8.1.2", -10, 5, -5), Reason.NEGATIVE_VALUE);
        bad("end before start", raw("h24", "10.8.1.1", "10.8.1.2", t0, -5, t0 - 5), Reason.NEGATIVE_LATENCY);
        bad("an inconsistent end", raw("h25", "10.8.1.1", "10.8.1.2", t0, 5, t0 + 6), Reason.END_MISMATCH);
        bad("start + latency overflows", raw("h26", "10.8.1.1", "10.8.1.2", Long.MAX_VALUE, 1, 0), Reason.END_MISMATCH);
        bad("an octet over 255", json("h27", "10.8.1.256", "10.8.1.2", t0, 5), Reason.INVALID_IP);
        bad("a zero-padded IPv4", json("h28", "010.008.001.001", "10.8.1.2", t0, 5), Reason.INVALID_IP);
        bad("a host name", json("h29", "db.internal", "10.8.1.2", t0, 5), Reason.INVALID_IP);
        bad("a broken IPv6", json("h30", "fe80:::1", "10.8.1.2", t0, 5), Reason.INVALID_IP);
        bad("an ip with a port", json("h31", "10.8.1.1:8080", "10.8.1.2", t0, 5), Reason.INVALID_IP);
        bad("an id of 300 characters", json("h".repeat(300), "10.8.1.1", "10.8.1.2", t0, 5), Reason.OVERSIZE_FIELD);
        bad("a record of 100 KB", json("h33", "10.8.1.1", "10.8.1.2", t0, 5).replace("{", "{\"pad\":\"" + "x".repeat(100_000) + "\","),
                Reason.OVERSIZE_FIELD);
        bad("a record of 10 MB", json("h34", "10.8.1.1", "10.8.1.2", t0, 5).replace("{", "{\"pad\":\"" + "x".repeat(10_000_000) + "\","),
                Reason.OVERSIZE_FIELD);
        bad("a call decades ahead", json("h35", "10.8.1.1", "10.8.1.2", farFutureMs, 5), Reason.AHEAD_OF_CLOCK);
        bad("a heartbeat decades ahead", "{\"heartbeat_at_ms\":" + farFutureMs + "}", Reason.AHEAD_OF_CLOCK);

        // valid, however odd
        valid("IPv6 parent", new Call("v6-parent", "fe80::1", "fe80::2", t0, 500L, t0 + 500), Status.OK);
        valid("IPv6 child", new Call("v6-child", "fe80::2", "2001:db8::3", t0 + 100, 100L, t0 + 200), Status.OK);
        valid("mixed-case IPv6, matched as written", new Call("v6-upper", "FE80::A", "fe80::b", t0, 50L, t0 + 50), Status.OK);
        valid("a Unicode id", new Call("调用-✓-1", "10.8.2.1", "10.8.2.2", t0, 40L, t0 + 40), Status.OK);
        valid("an escaped control character in the id", new Call("ctl\u0001id", "10.8.2.3", "10.8.2.4", t0, 40L, t0 + 40), Status.OK);
        Call nested = new Call("nested-fields", "10.8.2.5", "10.8.2.6", t0, 40L, t0 + 40);
        entries.add(new Entry("unknown nested fields", ProbeJson.write(nested).replace("{", "{\"probe\":{\"v\":[1,{\"w\":null}]},")
                .getBytes(StandardCharsets.UTF_8), null, null, nested, Status.OK, -1));
        Call keyed = new Call("keyed", "10.8.2.7", "10.8.2.8", t0, 40L, t0 + 40);
        entries.add(new Entry("a record with a key", ProbeJson.write(keyed).getBytes(StandardCharsets.UTF_8),
                "some-key".getBytes(StandardCharsets.UTF_8), null, keyed, Status.OK, -1));
        valid("a latency of three hours", new Call("hours", "10.8.3.1", "10.8.3.2", t0 - 3 * 3_600_000L, 3 * 3_600_000L, t0),
                Status.LATENCY_ABOVE_MAX);
        valid("a call in 1970", new Call("in-1970", "10.8.3.3", "10.8.3.4", 1000L, 1000L, 2000L), Status.LATE);
        for (int copy = 0; copy < 300; copy++) {
            entries.add(new Entry("a flood of one id, identical", ProbeJson.write(aBackgroundCall).getBytes(StandardCharsets.UTF_8), null,
                    null, null, null, -1));
        }
        Call first = new Call("one-id-many-contents", "10.8.4.1", "10.8.4.2", t0, 30L, t0 + 30);
        entries.add(new Entry("a flood of one id, first", ProbeJson.write(first).getBytes(StandardCharsets.UTF_8), null, null, first,
                Status.OK, 0));
        for (int copy = 0; copy < 50; copy++) {
            Call other = new Call(first.getId(), first.getSrcIp(), "10.8.5." + copy, t0, 30L, t0 + 30);
            entries.add(new Entry("a flood of one id, other contents", ProbeJson.write(other).getBytes(StandardCharsets.UTF_8), null,
                    Reason.DUPLICATE_ID_CONFLICT, null, null, 0));
        }
    }

    /** The valid calls of the corpus that must be stitched, each once. */
    List<Call> validCalls() {
        List<Call> calls = new ArrayList<>();
        for (Entry entry : entries) {
            if (entry.reason == null && entry.call != null) {
                calls.add(entry.call);
            }
        }
        return calls;
    }

    /** How many dead letters the corpus must give, one per bad record. */
    long badRecords() {
        return entries.stream().filter(entry -> entry.reason != null).count();
    }

    /** How many distinct kinds of input it holds. */
    long kinds() {
        return entries.stream().map(entry -> entry.name).distinct().count();
    }

    private void bad(String name, String text, Reason reason) {
        entries.add(new Entry(name, text.getBytes(StandardCharsets.UTF_8), null, reason, null, null, -1));
    }

    private void valid(String name, Call call, Status status) {
        entries.add(new Entry(name, ProbeJson.write(call).getBytes(StandardCharsets.UTF_8), null, null, call, status, -1));
    }

    private static String json(String id, String src, String dst, long start, long latency) {
        return raw(id, src, dst, start, latency, start + latency);
    }

    private static String raw(String id, String src, String dst, long start, long latency, long end) {
        return "{\"id\":\"" + id + "\",\"src_ip\":\"" + src + "\",\"dst_ip\":\"" + dst + "\",\"start_at_ms\":" + start
                + ",\"latency_msec\":" + latency + ",\"end_at_ms\":" + end + "}";
    }

    static String describe(byte[] value) {
        if (value == null) {
            return "null";
        }
        String text = new String(value, StandardCharsets.UTF_8);
        return text.length() > 80 ? text.substring(0, 80) + "... (" + value.length + " bytes)" : text;
    }

    static boolean sameStart(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        return n > 0 ? Arrays.equals(Arrays.copyOf(a, n), Arrays.copyOf(b, n)) : a.length == b.length;
    }
}
