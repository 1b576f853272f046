package io.callstitch.rekey.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import io.callstitch.schema.ByIpRecord;
import io.callstitch.schema.Call;
import io.callstitch.schema.Role;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class AppendWatermarkMarksTest {

    @Test
    void eachAdvanceWritesAMarkIntoEveryPartitionAfterTheCallsItCovers() throws Exception {
        try (OneInputStreamOperatorTestHarness<ByIpRecord, ByIpRecord> harness =
                new OneInputStreamOperatorTestHarness<>(new AppendWatermarkMarks(3), 4, 2, 1)) {
            harness.open();
            Call call = new Call("id1", "10.0.0.1", "10.0.0.2", 1000L, 500L, 1500L);
            harness.processElement(new StreamRecord<>(new ByIpRecord(Role.CHILD, "10.0.0.1", call, null), 1500));
            harness.processWatermark(new Watermark(2000));
            harness.processWatermark(new Watermark(2000));
            harness.processWatermark(new Watermark(3000));

            List<String> seen = new ArrayList<>();
            for (Object item : harness.getOutput()) {
                if (item instanceof StreamRecord) {
                    ByIpRecord record = (ByIpRecord) ((StreamRecord<?>) item).getValue();
                    seen.add(record.getRole() == Role.MARK
                            ? "mark p" + record.getMark().getPartition() + " s" + record.getMark().getSubtask() + "/"
                                    + record.getMark().getSubtasks() + " @" + record.getMark().getWatermark()
                            : "call " + record.getCall().getId());
                } else if (item instanceof Watermark) {
                    seen.add("watermark " + ((Watermark) item).getTimestamp());
                }
            }
            assertEquals(List.of("call id1",
                    "watermark 2000", "mark p0 s1/2 @2000", "mark p1 s1/2 @2000", "mark p2 s1/2 @2000",
                    "watermark 2000", // a repeated watermark is passed on but writes no marks
                    "watermark 3000", "mark p0 s1/2 @3000", "mark p1 s1/2 @3000", "mark p2 s1/2 @3000"), seen);
        }
    }

    @Test
    void theFinalWatermarkOfADrainWritesNoMark() throws Exception {
        try (OneInputStreamOperatorTestHarness<ByIpRecord, ByIpRecord> harness =
                new OneInputStreamOperatorTestHarness<>(new AppendWatermarkMarks(2), 1, 1, 0)) {
            harness.open();
            harness.processWatermark(new Watermark(2000));
            harness.processWatermark(new Watermark(Long.MAX_VALUE));
            List<Long> marks = new ArrayList<>();
            for (Object item : harness.getOutput()) {
                if (item instanceof StreamRecord) {
                    marks.add(((ByIpRecord) ((StreamRecord<?>) item).getValue()).getMark().getWatermark());
                }
            }
            assertEquals(List.of(2000L, 2000L), marks, "marks of 2000 in both partitions and none of the drain");
        }
    }
}
