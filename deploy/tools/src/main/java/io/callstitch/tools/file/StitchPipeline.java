package io.callstitch.tools.file;

import io.callstitch.assemble.AssembleJob;
import io.callstitch.assemble.AssembleOptions;
import io.callstitch.common.EdgeRule.Buckets;
import io.callstitch.match.MatchJob;
import io.callstitch.match.caller.ModelSettings;
import io.callstitch.rekey.RekeyJob;
import io.callstitch.rekey.RekeyOptions;
import io.callstitch.schema.DeadLetter;
import io.callstitch.schema.EdgePiece;
import io.callstitch.schema.ParsedInput;
import io.callstitch.schema.StitchedCall;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The operators of the three jobs chained in one Flink job, without Kafka between them: job-rekey's
 * validation and de-duplication, job-match's bucketed matching, job-assemble's assembly. Inside one
 * job watermarks flow from operator to operator, so no marks are needed; everything else is the
 * very code the Kafka jobs run.
 */
public final class StitchPipeline {
    private StitchPipeline() {}

    /** The two outputs of a stitching run. */
    public static final class Outputs {
        public final DataStream<StitchedCall> stitched;
        public final DataStream<DeadLetter> deadLetters;

        Outputs(DataStream<StitchedCall> stitched, DataStream<DeadLetter> deadLetters) {
            this.stitched = stitched;
            this.deadLetters = deadLetters;
        }
    }

    /**
     * @param parsed parsed records with event timestamps and watermarks, e.g. from a bounded source
     *     with {@code QuietPartitionWatermarks}
     */
    public static Outputs stitch(DataStream<ParsedInput> parsed, RekeyOptions.Settings rekey, Buckets buckets,
            ModelSettings callers, AssembleOptions.Timing assembly) {
        RekeyJob.Streams byIp = RekeyJob.rekey(parsed, rekey);
        DataStream<EdgePiece> pieces = MatchJob.match(byIp.byIp, buckets, callers);
        // a bounded run ends with the final watermark: calls still missing a piece then are written INCOMPLETE
        DataStream<StitchedCall> stitched = AssembleJob.assemble(pieces, assembly);
        return new Outputs(stitched, byIp.deadLetters);
    }
}
