package io.callstitch.chains;

import io.callstitch.schema.ChainMessage;
import io.callstitch.schema.ChainMessageKind;
import io.callstitch.schema.ChainRoot;
import io.callstitch.schema.ChainState;
import io.callstitch.schema.Status;
import io.callstitch.schema.StitchedCall;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Calls, walk messages and waiting calls of the walk, written like the seed tables. */
final class WalkFixtures {
    /** A deadline no test reaches. */
    static final long LATER = 1_000_000;
    /** Chains that follow the stitched parents and children as they are. */
    static final ChainEdges BY_RULE = new ChainEdges(ChainsOptions.ChainsBy.RULE);
    /** Chains that follow each call's best parent. */
    static final ChainEdges BY_BEST_PARENT = new ChainEdges(ChainsOptions.ChainsBy.BEST_PARENT);

    private WalkFixtures() {}

    /** A stitched call with the rule's parents and children, and no best parent: what chains by the rule read. */
    static StitchedCall call(String id, String src, String dst, long start, long end, List<String> parents, List<String> children) {
        return new StitchedCall(id, src, dst, start, end - start, end, parents, children, Status.OK, null, null, List.of());
    }

    /** {@code rootCall} as a root of the sender of a walk message, with the sender at {@code level} in its chain. */
    static ChainRoot root(StitchedCall rootCall, int level) {
        return new ChainRoot(rootCall.getId(), rootCall.getStartAtMs(), rootCall.getEndAtMs(), level);
    }

    /** The walk message a settled parent sends to one child: its final roots. */
    static ChainMessage walk(StitchedCall parent, String child, ChainRoot... roots) {
        return ChainMessage.newBuilder().setKind(ChainMessageKind.WALK).setTarget(child).setCall(parent).setRoots(List.of(roots)).build();
    }

    /** A call waiting in its key until {@code deadline}, having heard these walk messages. */
    static ChainState waiting(StitchedCall call, long deadline, ChainMessage... heard) {
        return ChainState.newBuilder().setCall(call).setDeadline(deadline).setHeard(new ArrayList<>(List.of(heard))).build();
    }

    /** A call waiting with no deadline in reach. */
    static ChainState waiting(StitchedCall call, ChainMessage... heard) {
        return waiting(call, LATER, heard);
    }

    /** The calls waiting in one key, by id. */
    static Map<String, ChainState> key(ChainState... calls) {
        Map<String, ChainState> byId = new HashMap<>();
        for (ChainState call : calls) {
            byId.put(call.getCall().getId(), call);
        }
        return byId;
    }
}
