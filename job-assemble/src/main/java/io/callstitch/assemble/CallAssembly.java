package io.callstitch.assemble;

import io.callstitch.schema.Call;
import io.callstitch.schema.EdgePiece;
import io.callstitch.schema.Role;
import io.callstitch.schema.Status;
import io.callstitch.schema.StitchedCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The pieces of one call gathered so far, merged into its answer.
 *
 * <p>A call has {@code pieces} pieces: one {@link Role#CHILD} piece, whose ids are the call's parents,
 * and {@code pieces - 1} {@link Role#PARENT} pieces, one per time bucket, whose ids are the call's
 * children found in that bucket. Parents are the union of the CHILD ids, children the union of all
 * PARENT ids, both sorted and distinct, so equal pieces in any order give an equal answer.
 *
 * <p>A piece whose role (and, for PARENT, bucket) was already seen is a duplicate: it is ignored,
 * and {@link #add} says so. Duplicates only come from at-least-once delivery upstream.
 *
 * <p>Status precedence: {@code INCOMPLETE} (not all pieces came) over {@code LATE} (some piece was
 * late) over {@code LATENCY_ABOVE_MAX} (some piece was over the maximum latency) over {@code OK}.
 *
 * <p>The assembly can be taken apart into {@link #partial()}, {@link #childSeen()} and
 * {@link #parentBuckets()} and put back together with {@link #restore}, which is how keyed state
 * holds it between pieces.
 */
public final class CallAssembly {
    private Call call;
    private final SortedSet<String> parents = new TreeSet<>();
    private final SortedSet<String> children = new TreeSet<>();
    private boolean late;
    private boolean overMaxLatency;
    private boolean childSeen;
    private final SortedSet<Long> parentBuckets = new TreeSet<>();
    // not kept in state: every piece of a call carries the same count, so the next piece brings it again
    private int expectedPieces;

    private CallAssembly() {}

    /** An assembly that has seen no piece yet. */
    public static CallAssembly empty() {
        return new CallAssembly();
    }

    /**
     * Puts back an assembly taken apart with {@link #partial()}, {@link #childSeen()} and
     * {@link #parentBuckets()}. A null {@code partial} means no piece was seen.
     */
    public static CallAssembly restore(StitchedCall partial, boolean childSeen, Iterable<Long> parentBuckets) {
        CallAssembly assembly = new CallAssembly();
        if (partial == null) {
            return assembly;
        }
        assembly.call = Call.newBuilder()
                .setId(partial.getId())
                .setSrcIp(partial.getSrcIp())
                .setDstIp(partial.getDstIp())
                .setStartAtMs(partial.getStartAtMs())
                .setLatencyMsec(partial.getLatencyMsec())
                .setEndAtMs(partial.getEndAtMs())
                .build();
        assembly.parents.addAll(partial.getParents());
        assembly.children.addAll(partial.getChildren());
        // the partial's status holds the strongest flag seen; LATE outranks and so hides LATENCY_ABOVE_MAX
        assembly.late = partial.getStatus() == Status.LATE;
        assembly.overMaxLatency = partial.getStatus() == Status.LATENCY_ABOVE_MAX;
        assembly.childSeen = childSeen;
        if (parentBuckets != null) {
            for (Long bucket : parentBuckets) {
                assembly.parentBuckets.add(bucket);
            }
        }
        return assembly;
    }

    /**
     * Merges one piece into the answer.
     *
     * @return false when the piece is a duplicate of one already merged; it is then ignored
     * @throws IllegalArgumentException for a piece of another call, or with a role other than CHILD or PARENT
     */
    public boolean add(EdgePiece piece) {
        if (call != null && !call.getId().equals(piece.getCall().getId())) {
            throw new IllegalArgumentException("piece of call " + piece.getCall().getId()
                    + " given to the assembly of call " + call.getId());
        }
        switch (piece.getRole()) {
            case CHILD:
                if (childSeen) {
                    return false;
                }
                childSeen = true;
                parents.addAll(piece.getIds());
                break;
            case PARENT:
                if (!parentBuckets.add(piece.getBucket())) {
                    return false;
                }
                children.addAll(piece.getIds());
                break;
            default:
                throw new IllegalArgumentException("piece of call " + piece.getCall().getId()
                        + " has role " + piece.getRole() + ", expected CHILD or PARENT");
        }
        if (call == null) {
            call = piece.getCall();
        }
        late |= piece.getLate();
        overMaxLatency |= piece.getOverMaxLatency();
        expectedPieces = piece.getPieces();
        return true;
    }

    /** True before the first piece. */
    public boolean isEmpty() {
        return call == null;
    }

    /**
     * True when the CHILD piece and {@code pieces - 1} distinct PARENT buckets have been merged, counted
     * by the {@code pieces} field of the last piece added; false if no piece was added since
     * {@link #restore}.
     */
    public boolean isComplete() {
        return childSeen && expectedPieces > 0 && parentBuckets.size() >= expectedPieces - 1;
    }

    /** The answer: status {@code INCOMPLETE} unless {@link #isComplete()}, else the strongest flag of its pieces. */
    public StitchedCall result() {
        return stitched(isComplete() ? flagStatus() : Status.INCOMPLETE);
    }

    /** The answer so far, its status the strongest flag of its pieces: what keyed state keeps between pieces. */
    public StitchedCall partial() {
        return stitched(flagStatus());
    }

    public boolean childSeen() {
        return childSeen;
    }

    /** The buckets of the PARENT pieces merged so far, ascending. */
    public List<Long> parentBuckets() {
        return new ArrayList<>(parentBuckets);
    }

    private Status flagStatus() {
        if (late) {
            return Status.LATE;
        }
        return overMaxLatency ? Status.LATENCY_ABOVE_MAX : Status.OK;
    }

    private StitchedCall stitched(Status status) {
        Objects.requireNonNull(call, "no piece was added");
        return StitchedCall.newBuilder()
                .setId(call.getId())
                .setSrcIp(call.getSrcIp())
                .setDstIp(call.getDstIp())
                .setStartAtMs(call.getStartAtMs())
                .setLatencyMsec(call.getLatencyMsec())
                .setEndAtMs(call.getEndAtMs())
                .setParents(new ArrayList<>(parents))
                .setChildren(new ArrayList<>(children))
                .setStatus(status)
                .build();
    }
}
