package io.callstitch.assemble;

import io.callstitch.schema.Call;
import io.callstitch.schema.EdgePiece;
import io.callstitch.schema.Role;
import io.callstitch.schema.Status;
import io.callstitch.schema.StitchedCall;
import java.util.List;

/** Calls and pieces written like the rows of the seed tables. */
public final class Fixtures {
    private Fixtures() {}

    /** A call as a row of the seed tables: id, src_ip, dst_ip, start_at_ms, end_at_ms (latency follows). */
    public static Call call(String id, String srcIp, String dstIp, long startAtMs, long endAtMs) {
        return Call.newBuilder()
                .setId(id)
                .setSrcIp(srcIp)
                .setDstIp(dstIp)
                .setStartAtMs(startAtMs)
                .setLatencyMsec(endAtMs - startAtMs)
                .setEndAtMs(endAtMs)
                .build();
    }

    /** The piece job-match writes for the call as a child: {@code parents} found under its src ip. */
    public static EdgePiece child(Call call, int pieces, String... parents) {
        return piece(call, Role.CHILD, bucketOf(call.getStartAtMs()), pieces, parents);
    }

    /** The piece job-match writes for the call as a parent in one bucket: {@code children} found there. */
    public static EdgePiece parent(Call call, long bucket, int pieces, String... children) {
        return piece(call, Role.PARENT, bucket, pieces, children);
    }

    public static EdgePiece late(EdgePiece piece) {
        return EdgePiece.newBuilder(piece).setLate(true).build();
    }

    /** The piece as an amendment: edges found after its bucket closed, not one of the call's pieces. */
    public static EdgePiece amends(EdgePiece piece) {
        return EdgePiece.newBuilder(piece).setAmends(true).build();
    }

    public static EdgePiece overMaxLatency(EdgePiece piece) {
        return EdgePiece.newBuilder(piece).setOverMaxLatency(true).build();
    }

    public static StitchedCall stitched(Call call, List<String> parents, List<String> children, Status status) {
        return StitchedCall.newBuilder()
                .setId(call.getId())
                .setSrcIp(call.getSrcIp())
                .setDstIp(call.getDstIp())
                .setStartAtMs(call.getStartAtMs())
                .setLatencyMsec(call.getLatencyMsec())
                .setEndAtMs(call.getEndAtMs())
                .setParents(parents)
                .setChildren(children)
                .setStatus(status)
                .build();
    }

    private static EdgePiece piece(Call call, Role role, long bucket, int pieces, String... ids) {
        return EdgePiece.newBuilder()
                .setCall(call)
                .setRole(role)
                .setBucket(bucket)
                .setIds(List.of(ids))
                .setPieces(pieces)
                .setLate(false)
                .setOverMaxLatency(false)
                .build();
    }

    private static long bucketOf(long ms) {
        return ms / 1000 * 1000;
    }
}
