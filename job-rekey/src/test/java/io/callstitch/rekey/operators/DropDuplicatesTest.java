package io.callstitch.rekey.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import io.callstitch.rekey.IdShards;
import io.callstitch.schema.Call;
import io.callstitch.schema.DeadLetter;
import io.callstitch.schema.ParsedInput;
import io.callstitch.schema.Reason;
import io.callstitch.schema.SeenCall;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.contrib.streaming.state.RocksDBStateBackend;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.runtime.state.memory.MemoryStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every test runs on the heap and on RocksDB (with heap timers, as deployed). */
class DropDuplicatesTest {
    private static final long RETENTION_MS = 60_000;
    private static final int KEY_GROUPS = 128;
    // the long run's checkpoints hold tens of thousands of ids
    private static final int CHECKPOINT_BYTES = 64 << 20;

    enum Backend { HEAP, ROCKSDB }

    private KeyedOneInputStreamOperatorTestHarness<Integer, ParsedInput, Call> harness;

    private void open(Backend backend) throws Exception {
        open(backend, null);
    }

    private void open(Backend backend, OperatorSubtaskState restored) throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new DropDuplicates(RETENTION_MS), new IdShards(KEY_GROUPS), Types.INT,
                KEY_GROUPS, 1, 0);
        harness.getExecutionConfig().disableGenericTypes();
        if (backend == Backend.ROCKSDB) {
            RocksDBStateBackend rocksDb = new RocksDBStateBackend((StateBackend) new MemoryStateBackend(CHECKPOINT_BYTES, true));
            rocksDb.setPriorityQueueStateType(RocksDBStateBackend.PriorityQueueStateType.HEAP);
            // the harness has next to no managed memory: within it RocksDB would flush its memtable at every write
            rocksDb.getMemoryConfiguration().setUseManagedMemory(false);
            harness.setStateBackend(rocksDb);
        } else {
            harness.setStateBackend(new MemoryStateBackend(CHECKPOINT_BYTES, true));
        }
        if (restored != null) {
            harness.initializeState(restored);
        }
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private static Call call(String id, String src, String dst, long start, long end) {
        return new Call(id, src, dst, start, end - start, end);
    }

    private static ParsedInput input(Call call, long offset) {
        return new ParsedInput(call, null, null, null, ByteBuffer.wrap(call.toString().getBytes(StandardCharsets.UTF_8)), "calls.raw", 3, offset);
    }

    private void send(Call call, long offset) throws Exception {
        harness.processElement(new StreamRecord<>(input(call, offset), call.getEndAtMs()));
    }

    private List<DeadLetter> deadLetters() {
        List<DeadLetter> letters = new ArrayList<>();
        if (harness.getSideOutput(DeadLetters.TAG) != null) {
            harness.getSideOutput(DeadLetters.TAG).forEach(record -> letters.add(record.getValue()));
        }
        return letters;
    }

    private void assertNothingLeft() throws Exception {
        harness.processWatermark(Long.MAX_VALUE);
        assertEquals(0, rememberedIds());
        assertEquals(0, indexedSlices().size());
        assertEquals(0, harness.numEventTimeTimers());
        if (((AbstractStreamOperator<?>) harness.getOperator()).getKeyedStateBackend() instanceof HeapKeyedStateBackend) {
            // the harness counts entries on the heap only; this also sees state the counts above do not know
            assertEquals(0, harness.numKeyedStateEntries());
        }
    }

    private KeyedStateBackend<Integer> backend() {
        return ((AbstractStreamOperator<?>) harness.getOperator()).getKeyedStateBackend();
    }

    /** Ids in the operator's state, counted entry by entry (the heap counts a whole map as one state entry). */
    private long rememberedIds() throws Exception {
        KeyedStateBackend<Integer> backend = backend();
        MapStateDescriptor<String, SeenCall> descriptor = DropDuplicates.firstOfIdDescriptor();
        List<Integer> keys;
        try (Stream<Integer> stream = backend.getKeys(descriptor.getName(), VoidNamespace.INSTANCE)) {
            keys = stream.collect(Collectors.toList());
        }
        long ids = 0;
        for (Integer key : keys) {
            backend.setCurrentKey(key);
            MapState<String, SeenCall> map = backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, descriptor);
            for (String ignored : map.keys()) {
                ids++;
            }
        }
        return ids;
    }

    /** The (key group, slice) pairs of the index, each with its count of ids. */
    private Map<Tuple2<Integer, Long>, Integer> indexedSlices() throws Exception {
        KeyedStateBackend<Integer> backend = backend();
        ListStateDescriptor<String> descriptor = DropDuplicates.idsOfSliceDescriptor();
        List<Tuple2<Integer, Long>> slices;
        try (Stream<Tuple2<Integer, Long>> stream = backend.getKeysAndNamespaces(descriptor.getName())) {
            slices = stream.collect(Collectors.toList());
        }
        Map<Tuple2<Integer, Long>, Integer> ids = new HashMap<>();
        for (Tuple2<Integer, Long> slice : slices) {
            backend.setCurrentKey(slice.f0);
            int count = 0;
            for (String ignored : backend.getPartitionedState(slice.f1, LongSerializer.INSTANCE, descriptor).get()) {
                count++;
            }
            ids.put(slice, count);
        }
        return ids;
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void identicalDuplicateGivesOneOutput(Backend backend) throws Exception {
        open(backend);
        Call call = call("id1", "10.0.0.1", "10.0.0.2", 1000, 1500);
        send(call, 1);
        send(call("id1", "10.0.0.1", "10.0.0.2", 1000, 1500), 2);
        assertEquals(List.of(call), harness.extractOutputValues());
        assertEquals(List.of(), deadLetters());
        assertNothingLeft();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void sameIdWithOtherContentIsADeadLetterWithItsOrigin(Backend backend) throws Exception {
        open(backend);
        Call first = call("id1", "10.0.0.1", "10.0.0.2", 1000, 1500);
        Call conflicting = call("id1", "10.0.0.9", "10.0.0.2", 1000, 1500);
        send(first, 1);
        send(conflicting, 7);
        assertEquals(List.of(first), harness.extractOutputValues());
        DeadLetter letter = deadLetters().get(0);
        assertEquals(Reason.DUPLICATE_ID_CONFLICT, letter.getReason());
        assertEquals("id id1 was already seen with different content: 10.0.0.1->10.0.0.2 [1000, 1500]", letter.getDetail());
        assertEquals(7L, letter.getOffset());
        assertEquals(3, letter.getPartition());
        assertEquals("calls.raw", letter.getTopic());
        assertEquals(conflicting.toString(), StandardCharsets.UTF_8.decode(letter.getOriginal()).toString());
        assertNothingLeft();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void anIdIsRememberedForTheRetentionAndLessThanASecondLonger(Backend backend) throws Exception {
        open(backend);
        Call call = call("id1", "10.0.0.1", "10.0.0.2", 1000, 1500);
        send(call, 1);
        harness.processWatermark(1500 + RETENTION_MS);
        send(call, 2);
        // the end of its slice: 1999 + retention
        harness.processWatermark(1999 + RETENTION_MS - 1);
        send(call, 3);
        assertEquals(1, harness.extractOutputValues().size(), "still remembered at the retention and up to its slice's end");
        harness.processWatermark(1999 + RETENTION_MS);
        send(call, 4);
        assertEquals(2, harness.extractOutputValues().size(), "a replay after the retention passes again");
        assertNothingLeft();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aLateIdIsRememberedForTheRetentionFromTheWatermark(Backend backend) throws Exception {
        open(backend);
        harness.processWatermark(100_000);
        Call late = call("id1", "10.0.0.1", "10.0.0.2", 1000, 1500);
        send(late, 1);
        harness.processWatermark(100_000 + RETENTION_MS);
        send(late, 2);
        assertEquals(1, harness.extractOutputValues().size());
        harness.processWatermark(100_999 + RETENTION_MS);
        send(late, 3);
        assertEquals(2, harness.extractOutputValues().size());
        assertNothingLeft();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void idsOfOneKeyGroupAndSecondShareOneTimer(Backend backend) throws Exception {
        open(backend);
        IdShards shards = new IdShards(KEY_GROUPS);
        Integer key = shards.keyOf("id-0");
        int sent = 0;
        for (int i = 0; sent < 10; i++) {
            if (shards.keyOf("id-" + i).equals(key)) {
                send(call("id-" + i, "10.0.0.1", "10.0.0.2", 1000, 1000 + sent), i);
                sent++;
            }
        }
        assertEquals(10, harness.extractOutputValues().size());
        assertEquals(10, rememberedIds());
        assertEquals(1, harness.numEventTimeTimers());
        assertNothingLeft();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void anIdSeenBeforeARestoreIsStillCaughtAfterIt(Backend backend) throws Exception {
        open(backend);
        Call call = call("id1", "10.0.0.1", "10.0.0.2", 1000, 1500);
        send(call, 1);
        send(call("id2", "10.0.0.1", "10.0.0.2", 1000, 1500), 2);
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();

        open(backend, snapshot);
        assertEquals(2, rememberedIds());
        assertEquals(2, indexedSlices().values().stream().mapToInt(Integer::intValue).sum(), "the index came with the checkpoint");
        send(call, 3);
        send(call("id1", "10.0.0.9", "10.0.0.2", 1000, 1500), 4);
        assertEquals(List.of(), harness.extractOutputValues());
        assertEquals(1, deadLetters().size());
        // both are forgotten from the restored index
        harness.processWatermark(1999 + RETENTION_MS);
        send(call, 5);
        assertEquals(List.of(call), harness.extractOutputValues());
        assertNothingLeft();
    }

    /**
     * A long run at a steady rate, with checkpoints: the ids remembered, the index of slices and the timers
     * stay within what the retention needs and do not grow with the run time. Forgetting an id, or a slice's
     * index, in the wrong place would make them grow here.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void stateStaysBoundedByTheRetentionWhateverTheRunTime(Backend backend) throws Exception {
        open(backend);
        long disorderMs = 30_000;
        int perSecond = 500;
        int seconds = 240;
        // remembered: ids ending in the last D + retention + one slice of event time, one second of sending more
        long idsBound = perSecond * (disorderMs + RETENTION_MS + 2_000) / 1000;
        long slicesBound = (disorderMs + RETENTION_MS + 2_000) / 1000;
        long peakIds = 0;
        long sent = 0;
        for (int second = 1; second <= seconds; second++) {
            for (int i = 0; i < perSecond; i++) {
                long end = second * 1000L + i;
                send(call("id-" + sent, "10.0.0.1", "10.0.0.2", end - 5, end), sent);
                sent++;
            }
            harness.processWatermark(second * 1000L - disorderMs);
            assertTrue(harness.numEventTimeTimers() <= KEY_GROUPS * slicesBound, "timers at second " + second);
            if (second % 2 == 0) {
                // a checkpoint: the ids first seen since the last one go into the index
                harness.snapshot(second, second);
            }
            if (second % 10 == 0) {
                long ids = rememberedIds();
                assertTrue(ids <= idsBound, ids + " ids remembered at second " + second + ", over " + idsBound);
                Map<Tuple2<Integer, Long>, Integer> slices = indexedSlices();
                assertTrue(slices.size() <= KEY_GROUPS * slicesBound, slices.size() + " slices indexed at second " + second);
                assertEquals(ids, slices.values().stream().mapToLong(Integer::longValue).sum(), "each id remembered is in one slice");
                assertEquals(slices.size(), harness.numEventTimeTimers(), "one timer per key group and slice");
                peakIds = Math.max(peakIds, ids);
            }
        }
        assertEquals(sent, harness.extractOutputValues().size());
        assertTrue(peakIds >= perSecond * (disorderMs + RETENTION_MS) / 1000, "remembers what the retention asks: " + peakIds);
        assertTrue(harness.numEventTimeTimers() < peakIds / 3, "far fewer timers than ids");
        assertNothingLeft();
    }
}
