package io.callstitch.rekey;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.LongSupplier;
import io.callstitch.common.Utf8;
import io.callstitch.schema.Call;
import io.callstitch.schema.ParsedInput;
import io.callstitch.schema.Reason;

/**
 * Turns the bytes of one probe record into a valid {@link Call}, or says exactly why it cannot
 * (docs/architecture.md, "Bad input"). Pure and bounded: the work per record is linear in its size, which is
 * capped.
 *
 * <p>A heartbeat is the other kind of record: {@code {"heartbeat_at_ms": T}} (CSV: {@code heartbeat,T})
 * says that its partition has delivered every call ending at or before T. It is not a call; it only
 * moves event time on, so the last calls of quiet traffic are stitched without waiting for more.
 */
public final class CallParser {
    static final String[] FIELDS = {"id", "src_ip", "dst_ip", "start_at_ms", "latency_msec", "end_at_ms"};
    public static final String HEARTBEAT_FIELD = "heartbeat_at_ms";
    private static final String CSV_HEARTBEAT = "heartbeat";
    private static final JsonFactory JSON = new JsonFactory();

    private final InputFormat format;
    private final int maxRecordBytes;
    private final int maxIdLength;
    private final long maxAheadOfClockMs;
    private final LongSupplier clock;

    /**
     * @param maxAheadOfClockMs how far past {@code clock} a call's end_at_ms (or a heartbeat's time) may lie;
     *     beyond it the record is rejected as {@link Reason#AHEAD_OF_CLOCK}, so it cannot drag event time on
     * @param clock wall-clock milliseconds; a test hands in its own
     */
    public CallParser(InputFormat format, int maxRecordBytes, int maxIdLength, long maxAheadOfClockMs, LongSupplier clock) {
        this.format = format;
        this.maxRecordBytes = maxRecordBytes;
        this.maxIdLength = maxIdLength;
        this.maxAheadOfClockMs = maxAheadOfClockMs;
        this.clock = clock;
    }

    /** The parser job-rekey runs with these settings, against this machine's clock. */
    public static CallParser of(InputFormat format, RekeyOptions.Settings settings) {
        return new CallParser(format, settings.maxRecordBytes, settings.maxIdLength, settings.maxAheadOfClockMs,
                System::currentTimeMillis);
    }

    /** Records longer than this are rejected, and only this much of them is kept. */
    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    /** Thrown inside parsing to leave with a rejection; never escapes {@link #parse}. */
    private static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;
        final Reason reason;

        Rejected(Reason reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }
    }

    /**
     * One record's parse, with where it came from: exactly what job-rekey sends on. It holds a call, a
     * heartbeat's time, or a reason and a one-line detail, and the original bytes (cut at the limit: a dead
     * letter must fit where dead letters go).
     */
    public ParsedInput parse(byte[] bytes, String topic, int partition, long offset) {
        byte[] value = bytes == null ? new byte[0] : bytes;
        byte[] kept = value.length > maxRecordBytes ? Arrays.copyOf(value, maxRecordBytes) : value;
        // the constructor, not the builder: a builder validates and copies every field, once per record
        ParsedInput parsed = new ParsedInput(null, null, null, null, ByteBuffer.wrap(kept), topic, partition, offset);
        try {
            if (value.length == 0) {
                throw new Rejected(Reason.UNPARSEABLE, "empty record");
            }
            if (value.length > maxRecordBytes) {
                throw new Rejected(Reason.OVERSIZE_FIELD, "record of " + value.length + " bytes is over the limit of " + maxRecordBytes);
            }
            Object[] values = format == InputFormat.JSON ? readJson(value) : readCsv(value);
            if (values.length == 1) {
                long atMs = (Long) values[0];
                checkNotAhead(atMs, HEARTBEAT_FIELD);
                parsed.setHeartbeatAtMs(atMs);
            } else {
                Call call = validate(values);
                checkNotAhead(call.getEndAtMs(), "end_at_ms");
                parsed.setCall(call);
            }
        } catch (Rejected e) {
            parsed.setReason(e.reason);
            parsed.setDetail(e.getMessage());
        }
        return parsed;
    }

    /** The same for a record read where it has no topic, partition or offset (a file, a test). */
    public ParsedInput parse(byte[] bytes) {
        return parse(bytes, "", 0, 0L);
    }

    private Object[] readJson(byte[] bytes) throws Rejected {
        Object[] values = new Object[FIELDS.length];
        Long heartbeat = null;
        int fields = 0;
        try (JsonParser parser = JSON.createParser(bytes)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new Rejected(Reason.UNPARSEABLE, "not a JSON object");
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.getCurrentName();
                JsonToken value = parser.nextToken();
                fields++;
                if (HEARTBEAT_FIELD.equals(name)) {
                    heartbeat = heartbeatValue(value == JsonToken.VALUE_NUMBER_INT && isLong(parser) ? parser.getLongValue() : null);
                    continue;
                }
                int index = fieldIndex(name);
                if (index < 0) {
                    // unknown fields are tolerated so probes can add fields without breaking us
                    parser.skipChildren();
                    continue;
                }
                if (values[index] != null) {
                    throw new Rejected(Reason.UNPARSEABLE, "field " + name + " appears twice");
                }
                values[index] = readJsonValue(parser, value, index);
            }
            if (token != JsonToken.END_OBJECT) {
                throw new Rejected(Reason.UNPARSEABLE, "not a JSON object");
            }
            if (parser.nextToken() != null) {
                throw new Rejected(Reason.UNPARSEABLE, "text after the JSON object");
            }
            if (heartbeat != null) {
                if (fields != 1) {
                    throw new Rejected(Reason.UNPARSEABLE, "a heartbeat has no field but " + HEARTBEAT_FIELD);
                }
                return new Object[] {heartbeat};
            }
        } catch (JsonEOFException e) {
            throw new Rejected(Reason.UNPARSEABLE, "truncated JSON");
        } catch (IOException e) {
            throw new Rejected(Reason.UNPARSEABLE, "invalid JSON: " + firstLine(e.getMessage()));
        }
        return values;
    }

    private static Object readJsonValue(JsonParser parser, JsonToken value, int index) throws IOException, Rejected {
        String name = FIELDS[index];
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (index < 3) {
            if (value != JsonToken.VALUE_STRING) {
                parser.skipChildren();
                throw new Rejected(Reason.WRONG_TYPE, "field " + name + " must be a string");
            }
            return parser.getText();
        }
        if (value != JsonToken.VALUE_NUMBER_INT) {
            throw new Rejected(Reason.WRONG_TYPE, "field " + name + " must be a whole number");
        }
        if (!isLong(parser)) {
            throw new Rejected(Reason.WRONG_TYPE, "field " + name + " is out of range");
        }
        return parser.getLongValue();
    }

    private static boolean isLong(JsonParser parser) throws IOException {
        return parser.getNumberType() == JsonParser.NumberType.INT || parser.getNumberType() == JsonParser.NumberType.LONG;
    }

    private static Long heartbeatValue(Long atMs) throws Rejected {
        if (atMs == null || atMs < 0) {
            throw new Rejected(Reason.WRONG_TYPE, "field " + HEARTBEAT_FIELD + " must be a whole number of at least 0");
        }
        return atMs;
    }

    private Object[] readCsv(byte[] bytes) throws Rejected {
        String line = decodeUtf8(bytes);
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == '\n' || line.charAt(end - 1) == '\r')) {
            end--;
        }
        String[] parts = line.substring(0, end).split(",", -1);
        if (parts.length == 2 && parts[0].trim().equals(CSV_HEARTBEAT)) {
            try {
                return new Object[] {heartbeatValue(Long.parseLong(parts[1].trim()))};
            } catch (NumberFormatException e) {
                throw new Rejected(Reason.WRONG_TYPE, "a heartbeat's time must be a whole number");
            }
        }
        if (parts.length != FIELDS.length) {
            throw new Rejected(Reason.UNPARSEABLE, "expected " + FIELDS.length + " comma-separated fields, got " + parts.length);
        }
        Object[] values = new Object[FIELDS.length];
        for (int i = 0; i < FIELDS.length; i++) {
            String part = parts[i].trim();
            if (part.isEmpty()) {
                values[i] = null;
            } else if (i < 3) {
                values[i] = part;
            } else {
                try {
                    values[i] = Long.parseLong(part);
                } catch (NumberFormatException e) {
                    throw new Rejected(Reason.WRONG_TYPE, "field " + FIELDS[i] + " must be a whole number");
                }
            }
        }
        return values;
    }

    private Call validate(Object[] values) throws Rejected {
        for (int i = 0; i < FIELDS.length; i++) {
            if (values[i] == null) {
                throw new Rejected(Reason.MISSING_FIELD, "field " + FIELDS[i] + " is missing");
            }
        }
        String id = (String) values[0];
        String src = (String) values[1];
        String dst = (String) values[2];
        long start = (Long) values[3];
        long latency = (Long) values[4];
        long end = (Long) values[5];
        if (id.isEmpty()) {
            throw new Rejected(Reason.MISSING_FIELD, "field id is empty");
        }
        if (id.length() > maxIdLength) {
            throw new Rejected(Reason.OVERSIZE_FIELD, "field id has " + id.length() + " characters, over the limit of " + maxIdLength);
        }
        if (!IpAddresses.isValid(src)) {
            throw new Rejected(Reason.INVALID_IP, "field src_ip is not an IP address: " + abbreviate(src));
        }
        if (!IpAddresses.isValid(dst)) {
            throw new Rejected(Reason.INVALID_IP, "field dst_ip is not an IP address: " + abbreviate(dst));
        }
        if (latency < 0) {
            throw new Rejected(Reason.NEGATIVE_LATENCY, "latency_msec is negative: " + latency);
        }
        if (start < 0 || end < 0) {
            throw new Rejected(Reason.NEGATIVE_VALUE, "start_at_ms and end_at_ms must not be negative");
        }
        if (start > Long.MAX_VALUE - latency || start + latency != end) {
            throw new Rejected(Reason.END_MISMATCH, "end_at_ms " + end + " is not start_at_ms + latency_msec (" + start + " + " + latency + ")");
        }
        return new Call(id, src, dst, start, latency, end);
    }

    /** Rejects a time too far past the wall clock: a probe cannot report a call that has not ended yet. */
    private void checkNotAhead(long atMs, String field) throws Rejected {
        long now = clock.getAsLong();
        if (atMs > now && atMs - now > maxAheadOfClockMs) {
            throw new Rejected(Reason.AHEAD_OF_CLOCK, field + " " + atMs + " is " + (atMs - now) + " ms ahead of this job's clock ("
                    + now + "), over the bound of " + maxAheadOfClockMs + " ms (--max-ahead-of-clock-ms)");
        }
    }

    private static int fieldIndex(String name) {
        for (int i = 0; i < FIELDS.length; i++) {
            if (FIELDS[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static String decodeUtf8(byte[] bytes) throws Rejected {
        String text = Utf8.decodeOrNull(bytes);
        if (text == null) {
            throw new Rejected(Reason.UNPARSEABLE, "not UTF-8 text");
        }
        return text;
    }

    private static String abbreviate(String text) {
        String oneLine = text.replace('\n', ' ').replace('\r', ' ');
        return oneLine.length() <= 60 ? "'" + oneLine + "'" : "'" + oneLine.substring(0, 60) + "...'";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
