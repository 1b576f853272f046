package io.callstitch.rekey.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import io.callstitch.schema.Call;
import io.callstitch.schema.DeadLetter;
import io.callstitch.schema.ParsedInput;
import io.callstitch.schema.Reason;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DropDuplicatesTest {
    private KeyedOneInputStreamOperatorTestHarness<String, ParsedInput, Call> harness;

    @BeforeEach
    void open() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DropDuplicates(60_000)), input -> input.getCall().getId(), Types.STRING);
        harness.getExecutionConfig().disableGenericTypes();
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static ParsedInput input(Call call, long offset) {
        return new ParsedInput(call, null, null, null, ByteBuffer.wrap(call.toString().getBytes(StandardCharsets.UTF_8)), "calls.raw", 3, offset);
    }

    private void send(Call call, long offset) throws Exception {
        harness.processElement(new StreamRecord<>(input(call, offset), call.getEndAtMs()));
    }

    @Test
    void identicalDuplicateGivesOneOutput() throws Exception {
        Call call = new Call("id1", "10.0.0.1", "10.0.0.2", 1000L, 500L, 1500L);
        send(call, 1);
        send(new Call("id1", "10.0.0.1", "10.0.0.2", 1000L, 500L, 1500L), 2);
        assertEquals(List.of(call), harness.extractOutputValues());
        assertEquals(0, harness.getSideOutput(DeadLetters.TAG) == null ? 0 : harness.getSideOutput(DeadLetters.TAG).size());
        harness.processWatermark(1500 + 60_000);
        assertEquals(0, harness.numKeyedStateEntries());
        assertEquals(0, harness.numEventTimeTimers());
    }

    @Test
    void sameIdWithOtherContentIsADeadLetterWithItsOrigin() throws Exception {
        Call first = new Call("id1", "10.0.0.1", "10.0.0.2", 1000L, 500L, 1500L);
        Call conflicting = new Call("id1", "10.0.0.9", "10.0.0.2", 1000L, 500L, 1500L);
        send(first, 1);
        send(conflicting, 7);
        assertEquals(List.of(first), harness.extractOutputValues());
        DeadLetter letter = harness.getSideOutput(DeadLetters.TAG).poll().getValue();
        assertEquals(Reason.DUPLICATE_ID_CONFLICT, letter.getReason());
        assertEquals(7L, letter.getOffset());
        assertEquals(3, letter.getPartition());
        assertEquals(conflicting.toString(), StandardCharsets.UTF_8.decode(letter.getOriginal()).toString());
        harness.processWatermark(Long.MAX_VALUE);
        assertEquals(0, harness.numKeyedStateEntries());
        assertEquals(0, harness.numEventTimeTimers());
    }

    @Test
    void anIdIsForgottenAfterTheRetention() throws Exception {
        Call call = new Call("id1", "10.0.0.1", "10.0.0.2", 1000L, 500L, 1500L);
        send(call, 1);
        harness.processWatermark(1500 + 60_000);
        send(call, 2);
        assertEquals(2, harness.extractOutputValues().size(), "a replay long after the retention passes again");
    }
}
