package io.callstitch.tools.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstitch.assemble.operators.AssembleCalls;
import io.callstitch.match.BucketedCall;
import io.callstitch.common.EdgeRule.Buckets;
import io.callstitch.match.MatchOptions;
import io.callstitch.match.operators.DecideCallers;
import io.callstitch.match.operators.FanOutToBuckets;
import io.callstitch.match.operators.MatchEdges;
import io.callstitch.reference.BruteForce;
import io.callstitch.reference.RandomCalls;
import io.callstitch.schema.ByIpRecord;
import io.callstitch.schema.Call;
import io.callstitch.schema.ClosedBucket;
import io.callstitch.schema.EdgePiece;
import io.callstitch.schema.Role;
import io.callstitch.schema.Status;
import io.callstitch.schema.StitchedCall;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * job-match's and job-assemble's operators in a row, with event time driven record by record as job-rekey
 * drives it (the newest end minus D): one call in twenty comes later than D, past the close of its buckets
 * but within job-match's grace. The last record of every id, which supersedes any earlier one, must equal
 * the brute force; a call written once is OK, a partner of a late call is written again REVISED, and
 * nothing else is written twice.
 */
class LateCallsWithinGraceTest {
    private static final long MAX_LATENCY_MS = 5000;
    private static final long DISORDER_MS = 3000;
    private static final long BUCKET_MS = 1000;
    private static final long GRACE_MS = 10_000;

    @ParameterizedTest(name = "seed {0}")
    @CsvSource({"11", "12", "13"})
    void theLastRecordOfEveryIdIsExact(long seed) throws Exception {
        List<Call> calls = RandomCalls.generate(seed, 1500, 4, 1_700_000_000_000L, 40_000, MAX_LATENCY_MS, 10);
        List<Call> delivered = new ArrayList<>(RandomCalls.deliveryOrder(calls, DISORDER_MS, seed));
        Random random = new Random(seed);
        List<Call> late = new ArrayList<>();
        for (Call call : delivered) {
            if (random.nextInt(20) == 0) {
                late.add(call);
            }
        }
        delivered.removeAll(late);
        for (Call call : late) {
            // past the close of every bucket of the call, and 2 s short of the grace of the first one
            long arriveWhenNewestEndIs = call.getStartAtMs() + BUCKET_MS + MAX_LATENCY_MS + DISORDER_MS + 2000;
            int at = 0;
            long newestEnd = Long.MIN_VALUE;
            while (at < delivered.size() && newestEnd < arriveWhenNewestEndIs) {
                newestEnd = Math.max(newestEnd, delivered.get(at).getEndAtMs());
                at++;
            }
            delivered.add(at, call);
        }

        List<StitchedCall> written = run(delivered);

        Map<String, StitchedCall> last = new HashMap<>();
        Map<String, Integer> records = new HashMap<>();
        for (StitchedCall call : written) {
            last.put(call.getId(), call);
            records.merge(call.getId(), 1, Integer::sum);
        }
        Map<String, BruteForce.Expected> expected = BruteForce.stitch(calls);
        assertEquals(expected.keySet(), last.keySet(), "every call is written");
        int revised = 0;
        for (Map.Entry<String, BruteForce.Expected> entry : expected.entrySet()) {
            StitchedCall call = last.get(entry.getKey());
            assertEquals(entry.getValue().parentList(), call.getParents(), "parents of " + entry.getKey());
            assertEquals(entry.getValue().childList(), call.getChildren(), "children of " + entry.getKey());
            Status expectedStatus = records.get(entry.getKey()) == 1 ? Status.OK : Status.REVISED;
            assertEquals(expectedStatus, call.getStatus(), "status of " + entry.getKey() + ", written " + records.get(entry.getKey()) + "x");
            revised += records.get(entry.getKey()) - 1;
        }
        assertTrue(late.size() > 40, "calls delivered late: " + late.size());
        assertTrue(revised > 10, "partners written again: " + revised);
    }

    private static List<StitchedCall> run(List<Call> delivered) throws Exception {
        Buckets buckets = new Buckets(BUCKET_MS, MAX_LATENCY_MS, GRACE_MS);
        FanOutToBuckets fanOut = new FanOutToBuckets(buckets);
        try (KeyedOneInputStreamOperatorTestHarness<String, BucketedCall, ClosedBucket> match = new KeyedOneInputStreamOperatorTestHarness<>(
                        new MatchEdges(buckets), BucketedCall::key, Types.STRING);
                KeyedOneInputStreamOperatorTestHarness<String, ClosedBucket, EdgePiece> decide = new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new DecideCallers(buckets, MatchOptions.defaultCallers())), ClosedBucket::getIp,
                        Types.STRING);
                KeyedOneInputStreamOperatorTestHarness<String, EdgePiece, StitchedCall> assemble = new KeyedOneInputStreamOperatorTestHarness<>(
                        new AssembleCalls(60_000, 15_000), piece -> piece.getCall().getId(), Types.STRING)) {
            match.open();
            decide.open();
            assemble.open();
            List<BucketedCall> copies = new ArrayList<>();
            Collector<BucketedCall> collector = new Collector<>() {
                @Override
                public void collect(BucketedCall copy) {
                    copies.add(copy);
                }

                @Override
                public void close() {}
            };
            long newestEnd = Long.MIN_VALUE;
            long watermark = Long.MIN_VALUE;
            for (Call call : delivered) {
                copies.clear();
                fanOut.flatMap(new ByIpRecord(Role.CHILD, call.getSrcIp(), call, null), collector);
                fanOut.flatMap(new ByIpRecord(Role.PARENT, call.getDstIp(), call, null), collector);
                for (BucketedCall copy : copies) {
                    match.processElement(new StreamRecord<>(copy, call.getEndAtMs()));
                }
                newestEnd = Math.max(newestEnd, call.getEndAtMs());
                if (newestEnd - DISORDER_MS - 1 > watermark) {
                    watermark = newestEnd - DISORDER_MS - 1;
                    match.processWatermark(new Watermark(watermark));
                }
                pass(match, decide);
                forward(decide, assemble);
            }
            match.processWatermark(new Watermark(Long.MAX_VALUE));
            pass(match, decide);
            forward(decide, assemble);
            assemble.processWatermark(new Watermark(Long.MAX_VALUE));
            assertEquals(0, match.numKeyedStateEntries() + decide.numKeyedStateEntries(), "job-match left state");
            assertEquals(0, assemble.numKeyedStateEntries(), "job-assemble left state");
            return assemble.extractOutputValues();
        }
    }

    /** What job-match's matching wrote since the last call, records and watermarks in their order, into its deciding. */
    private static void pass(KeyedOneInputStreamOperatorTestHarness<String, BucketedCall, ClosedBucket> match,
            KeyedOneInputStreamOperatorTestHarness<String, ClosedBucket, EdgePiece> decide) throws Exception {
        Object item;
        while ((item = match.getOutput().poll()) != null) {
            if (item instanceof StreamRecord) {
                StreamRecord<?> record = (StreamRecord<?>) item;
                decide.processElement(new StreamRecord<>((ClosedBucket) record.getValue(), record.getTimestamp()));
            } else if (item instanceof Watermark) {
                decide.processWatermark((Watermark) item);
            }
        }
    }

    /** The pieces job-match wrote since the last call, into job-assemble, with job-match's progress as its event time. */
    private static void forward(KeyedOneInputStreamOperatorTestHarness<String, ClosedBucket, EdgePiece> match,
            KeyedOneInputStreamOperatorTestHarness<String, EdgePiece, StitchedCall> assemble) throws Exception {
        Object item;
        long progress = Long.MIN_VALUE;
        while ((item = match.getOutput().poll()) != null) {
            if (item instanceof StreamRecord) {
                EdgePiece piece = (EdgePiece) ((StreamRecord<?>) item).getValue();
                assemble.processElement(new StreamRecord<>(piece, piece.getWrittenAtMs()));
                progress = Math.max(progress, piece.getWrittenAtMs());
            }
        }
        if (progress > Long.MIN_VALUE) {
            assemble.processWatermark(new Watermark(progress));
        }
    }
}
