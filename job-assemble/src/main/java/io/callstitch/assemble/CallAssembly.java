package io.callstitch.assemble;

import io.callstitch.schema.AssemblyState;
import io.callstitch.schema.Call;
import io.callstitch.schema.EdgePiece;
import io.callstitch.schema.Role;
import io.callstitch.schema.Status;
import io.callstitch.schema.StitchedCall;
import java.util.ArrayList;
import java.util.List;

/**
 * Merging the pieces of one call into its answer, on an {@link AssemblyState}: the one record job-assemble
 * keeps per call in flight, read and written once per piece.
 *
 * <p>A call has {@code pieces} pieces: one {@link Role#CHILD} piece, whose ids are the call's parents,
 * and {@code pieces - 1} {@link Role#PARENT} pieces, one per time bucket, whose ids are the call's
 * children found in that bucket. Each edge is found in exactly one bucket, so the buckets' id lists are
 * simply appended; the answer's lists are sorted and made distinct once, when the call is written, so
 * equal pieces in any order give an equal answer.
 *
 * <p>A piece whose role (and, for PARENT, bucket) was already seen is a duplicate: it is ignored, and
 * {@link #add} says so. Duplicates only come from at-least-once delivery upstream.
 *
 * <p>An amending piece ({@code amends}) is not one of the {@code pieces}: it adds ids found after the
 * bucket closed, with a call that came late but within job-match's grace, and is always merged.
 *
 * <p>Status precedence: {@code INCOMPLETE} (not all pieces came) over {@code LATE} (some piece was
 * late) over {@code LATENCY_ABOVE_MAX} (some piece was over the maximum latency) over {@code OK}. A call
 * written again after a change (its state says {@code written}) is {@code REVISED} where it would be {@code OK}.
 */
public final class CallAssembly {
    private CallAssembly() {}

    /**
     * The state of a call after its first piece.
     *
     * @param timeoutAtMs the event time at which the safety net writes the call if pieces are still missing
     * @throws IllegalArgumentException for a piece with a role other than CHILD or PARENT
     */
    public static AssemblyState start(EdgePiece piece, long timeoutAtMs) {
        // constructors, not builders: a builder validates and copies every field, once per record
        AssemblyState state = new AssemblyState(piece.getCall(), piece.getPieces(), false, new ArrayList<>(2), List.of(), List.of(),
                null, null, List.of(), false, false, timeoutAtMs, false);
        add(state, piece);
        return state;
    }

    /**
     * Merges one piece into the state.
     *
     * @return false when the piece is a duplicate of one already merged; it is then ignored
     * @throws IllegalArgumentException for a piece of another call, or with a role other than CHILD or PARENT
     */
    public static boolean add(AssemblyState state, EdgePiece piece) {
        if (!state.getCall().getId().equals(piece.getCall().getId())) {
            throw new IllegalArgumentException("piece of call " + piece.getCall().getId()
                    + " given to the assembly of call " + state.getCall().getId());
        }
        if (piece.getAmends()) {
            if (piece.getRole() == Role.CHILD) {
                state.setParents(append(state.getParents(), piece.getIds()));
            } else if (piece.getRole() == Role.PARENT) {
                state.setChildren(append(state.getChildren(), piece.getIds()));
            } else {
                throw new IllegalArgumentException("piece of call " + piece.getCall().getId()
                        + " has role " + piece.getRole() + ", expected CHILD or PARENT");
            }
            return true;
        }
        switch (piece.getRole()) {
            case CHILD:
                if (state.getChildSeen()) {
                    return false;
                }
                state.setChildSeen(true);
                // appended: an amendment may have come first
                state.setParents(append(state.getParents(), piece.getIds()));
                state.setBestParent(piece.getBestParent());
                state.setBestParentConfidence(piece.getBestParentConfidence());
                break;
            case PARENT:
                if (state.getParentBuckets().contains(piece.getBucket())) {
                    return false;
                }
                state.getParentBuckets().add(piece.getBucket());
                state.setChildren(append(state.getChildren(), piece.getIds()));
                state.setBestChildren(append(state.getBestChildren(), piece.getBestChildren()));
                break;
            default:
                throw new IllegalArgumentException("piece of call " + piece.getCall().getId()
                        + " has role " + piece.getRole() + ", expected CHILD or PARENT");
        }
        state.setLate(state.getLate() || piece.getLate());
        state.setOverMaxLatency(state.getOverMaxLatency() || piece.getOverMaxLatency());
        state.setPieces(piece.getPieces());
        return true;
    }

    /** True when the CHILD piece and {@code pieces - 1} distinct PARENT buckets have been merged. */
    public static boolean isComplete(AssemblyState state) {
        return state.getChildSeen() && state.getParentBuckets().size() >= state.getPieces() - 1;
    }

    /**
     * The answer: status {@code INCOMPLETE} unless {@link #isComplete}, else the strongest flag of its pieces;
     * {@code REVISED} instead of {@code OK} once the call has been written before.
     */
    public static StitchedCall result(AssemblyState state) {
        Status status;
        if (!isComplete(state)) {
            status = Status.INCOMPLETE;
        } else if (state.getLate()) {
            status = Status.LATE;
        } else if (state.getOverMaxLatency()) {
            status = Status.LATENCY_ABOVE_MAX;
        } else {
            status = state.getWritten() ? Status.REVISED : Status.OK;
        }
        Call call = state.getCall();
        return new StitchedCall(call.getId(), call.getSrcIp(), call.getDstIp(), call.getStartAtMs(), call.getLatencyMsec(),
                call.getEndAtMs(), sortedDistinct(state.getParents()), sortedDistinct(state.getChildren()), status, state.getBestParent(),
                state.getBestParentConfidence(), sortedDistinct(state.getBestChildren()));
    }

    private static List<String> append(List<String> soFar, List<String> more) {
        if (soFar.isEmpty()) {
            // most calls lie in one bucket: the piece's own list is the answer, no copy
            return more;
        }
        List<String> all = new ArrayList<>(soFar.size() + more.size());
        all.addAll(soFar);
        all.addAll(more);
        return all;
    }

    /** The ids ascending and distinct; the list itself when it already is, as job-match writes them. */
    static List<String> sortedDistinct(List<String> ids) {
        boolean ascending = true;
        for (int i = 1; i < ids.size() && ascending; i++) {
            ascending = ids.get(i - 1).compareTo(ids.get(i)) < 0;
        }
        if (ascending) {
            return ids;
        }
        List<String> sorted = new ArrayList<>(ids);
        sorted.sort(null);
        List<String> distinct = new ArrayList<>(sorted.size());
        for (String id : sorted) {
            if (distinct.isEmpty() || !distinct.get(distinct.size() - 1).equals(id)) {
                distinct.add(id);
            }
        }
        return distinct;
    }
}
