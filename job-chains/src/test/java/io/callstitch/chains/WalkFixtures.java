package io.callstitch.chains;

import io.callstitch.schema.ChainCall;
import io.callstitch.schema.ChainMessage;
import io.callstitch.schema.ChainMessageKind;
import io.callstitch.schema.ChainRoot;
import io.callstitch.schema.ChainState;
import io.callstitch.schema.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Calls, walk messages and waiting calls of the walk, written like the seed tables. */
final class WalkFixtures {
    /** A deadline no test reaches. */
    static final long LATER = 1_000_000;

    private WalkFixtures() {}

    /** A call following the rule: its parents are the rule's parents. */
    static ChainCall call(String id, String src, String dst, long start, long end, List<String> parents, List<String> children) {
        return new ChainCall(id, src, dst, start, end - start, end, parents, children, Status.OK, parents, 1.0);
    }

    /** {@code rootCall} as a root of the sender of a walk message, with the sender at {@code level} in its chain. */
    static ChainRoot root(ChainCall rootCall, int level) {
        return new ChainRoot(rootCall.getId(), rootCall.getStartAtMs(), rootCall.getEndAtMs(), level);
    }

    /** The walk message a settled parent sends to one child: its final roots. */
    static ChainMessage walk(ChainCall parent, String child, ChainRoot... roots) {
        return ChainMessage.newBuilder().setKind(ChainMessageKind.WALK).setTarget(child).setCall(parent).setRoots(List.of(roots)).build();
    }

    /** A call waiting in its key until {@code deadline}, having heard these walk messages. */
    static ChainState waiting(ChainCall call, long deadline, ChainMessage... heard) {
        return ChainState.newBuilder().setCall(call).setDeadline(deadline).setHeard(new ArrayList<>(List.of(heard))).build();
    }

    /** A call waiting with no deadline in reach. */
    static ChainState waiting(ChainCall call, ChainMessage... heard) {
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
