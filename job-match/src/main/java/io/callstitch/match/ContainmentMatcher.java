package io.callstitch.match;

import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import io.callstitch.common.EdgeRule;
import io.callstitch.schema.Call;

/**
 * Finds every parent-child pair among the calls of one key: every pair for which {@link EdgeRule#contains}
 * holds (the ip half of the rule holds by the key).
 *
 * <p>A sweep in start order: a parent becomes active once the sweep reaches its start, and the
 * parents of a child are then exactly the active ones whose end is at least the child's end. Active
 * parents sit in a bit set indexed by their rank in end order, so each child's parents are the set
 * bits from the rank of its own end upward: cost is O((n + m) log m + edges + n * m / 64) for n
 * children and m parents, never a test of every pair.
 */
public final class ContainmentMatcher {
    private ContainmentMatcher() {}

    /**
     * Receives each edge once, as indexes into the lists handed to {@link #match}; a child's parents come
     * by end time, then id.
     */
    @FunctionalInterface
    public interface EdgeSink {
        void edge(int parentIndex, int childIndex);
    }

    public static void match(List<Call> parents, List<Call> children, EdgeSink sink) {
        match(parents, children, 0, sink);
    }

    /**
     * Every pair where the parent's interval, widened by {@code slackMs} at both ends, contains the child's:
     * {@code p.start - slack <= c.start && p.end + slack >= c.end}. With slack 0 these are exactly the
     * rule's edges; a slack of a few ms also finds callers whose clock runs a little apart from the
     * child's host (for the best parent only: {@link EdgeRule#contains} stays the rule).
     */
    public static void match(List<Call> parents, List<Call> children, long slackMs, EdgeSink sink) {
        int m = parents.size();
        int n = children.size();
        if (m == 0 || n == 0) {
            return;
        }
        Integer[] byEnd = indexes(m);
        // ties by id: each child's parents then come in one order, whatever order the calls arrived in
        Arrays.sort(byEnd, (a, b) -> {
            int byEndTime = Long.compare(parents.get(a).getEndAtMs(), parents.get(b).getEndAtMs());
            return byEndTime != 0 ? byEndTime : parents.get(a).getId().compareTo(parents.get(b).getId());
        });
        long[] sortedEnds = new long[m];
        int[] rankOf = new int[m];
        for (int rank = 0; rank < m; rank++) {
            sortedEnds[rank] = parents.get(byEnd[rank]).getEndAtMs();
            rankOf[byEnd[rank]] = rank;
        }
        Integer[] parentsByStart = indexes(m);
        Arrays.sort(parentsByStart, (a, b) -> Long.compare(parents.get(a).getStartAtMs(), parents.get(b).getStartAtMs()));
        Integer[] childrenByStart = indexes(n);
        Arrays.sort(childrenByStart, (a, b) -> Long.compare(children.get(a).getStartAtMs(), children.get(b).getStartAtMs()));

        BitSet active = new BitSet(m);
        int next = 0;
        for (int ci : childrenByStart) {
            Call child = children.get(ci);
            // inclusive: a parent starting at the same ms as the child is active for it
            while (next < m && parents.get(parentsByStart[next]).getStartAtMs() - slackMs <= child.getStartAtMs()) {
                active.set(rankOf[parentsByStart[next]]);
                next++;
            }
            for (int rank = active.nextSetBit(firstAtLeast(sortedEnds, child.getEndAtMs() - slackMs));
                    rank >= 0; rank = active.nextSetBit(rank + 1)) {
                int pi = byEnd[rank];
                if (!EdgeRule.sameCall(parents.get(pi), child)) {
                    sink.edge(pi, ci);
                }
            }
        }
    }

    /** The first index whose value is at least {@code key}, or the length when none is. */
    private static int firstAtLeast(long[] sorted, long key) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static Integer[] indexes(int count) {
        Integer[] indexes = new Integer[count];
        for (int i = 0; i < count; i++) {
            indexes[i] = i;
        }
        return indexes;
    }
}
