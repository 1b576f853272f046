package io.callstitch.common;

import java.io.Serializable;
import io.callstitch.schema.Call;
import io.callstitch.schema.Role;

/**
 * The rule, in one place: a call {@code p} is a parent of a call {@code c} exactly when
 *
 * <pre>
 *   p.dst_ip == c.src_ip  &amp;&amp;  p.start_at_ms &lt;= c.start_at_ms  &amp;&amp;  c.end_at_ms &lt;= p.end_at_ms  &amp;&amp;  p.id != c.id
 * </pre>
 *
 * with both time bounds inclusive (docs/architecture.md, "The rule"). The jobs decide it in three parts,
 * all read here:
 *
 * <ol>
 *   <li>the ip half, by the key ({@link #ipAs}): job-rekey files every call under its src_ip as a
 *       {@link Role#CHILD} looking for its parents, and under its dst_ip as a {@link Role#PARENT} looking
 *       for its children; job-match only ever compares calls filed under one ip;</li>
 *   <li>the time half and the id half, for two calls of one ip ({@link #contains}); job-match's sweep
 *       ({@code ContainmentMatcher}) finds every pair that satisfies it without testing each;</li>
 *   <li>which key a pair meets in, by time buckets ({@link Buckets}): each edge is found in exactly one
 *       bucket, the one of the child's start, and the bucket says when its answers are final.</li>
 * </ol>
 *
 * The tests never check these against themselves: the reference module reads the rule again, over every
 * pair, with no keys, sweep or buckets ({@code io.callstitch.reference.BruteForce}).
 */
public final class EdgeRule {
    private EdgeRule() {}

    /** The ip a call is filed under in a role: its src_ip as a child, its dst_ip as a parent. */
    public static String ipAs(Role role, Call call) {
        switch (role) {
            case CHILD:
                return call.getSrcIp();
            case PARENT:
                return call.getDstIp();
            default:
                throw new IllegalArgumentException("no ip for role " + role);
        }
    }

    /** The whole rule for one pair: the ips meet, and the time and id halves hold. */
    public static boolean isEdge(Call parent, Call child) {
        return ipAs(Role.PARENT, parent).equals(ipAs(Role.CHILD, child)) && contains(parent, child);
    }

    /**
     * The time and id halves, for two calls of one ip: {@code parent}'s interval contains {@code child}'s,
     * both bounds inclusive, and they are two calls.
     */
    public static boolean contains(Call parent, Call child) {
        return parent.getStartAtMs() <= child.getStartAtMs() && parent.getEndAtMs() >= child.getEndAtMs()
                && !sameCall(parent, child);
    }

    /**
     * One call met as a parent and as a child of the same ip (src_ip == dst_ip): same interval, same id.
     * Ids are distinct once job-rekey dropped duplicates, so the id alone would do; the times come first, so
     * that ids are only compared for the rare pairs with equal intervals.
     */
    public static boolean sameCall(Call a, Call b) {
        return a.getStartAtMs() == b.getStartAtMs() && a.getEndAtMs() == b.getEndAtMs() && a.getId().equals(b.getId());
    }

    /**
     * The time buckets that spread one ip's calls over many keys, and when each bucket's answer is final
     * (docs/architecture.md, "Hot ips: buckets" and "Time: when an answer is final"). B is the bucket width, L the maximum latency.
     *
     * <ul>
     *   <li>A call looking for parents sits in one bucket: that of its start.</li>
     *   <li>A call looking for children is copied into every bucket its interval overlaps: any child
     *       starts inside the parent's interval, so each edge is found in exactly one key, the bucket of
     *       the child's start.</li>
     *   <li>A call longer than L is copied only into the buckets of its last L ms, so a call of hours is
     *       never copied into thousands of buckets. Those are the buckets still open when it arrives on
     *       time; it is stitched best-effort and flagged.</li>
     *   <li>A skew margin M: a parent that starts less than M ms into a bucket is copied into the bucket
     *       before it too, when it ends in time for that bucket's close. It is no parent by the rule of
     *       any child there (they all start before it), but a host whose clock runs ahead of its caller's
     *       sees its children start before their caller, and the best parent looks for them there.</li>
     *   <li>Every call of bucket b ends by (b + 1) * B - 1 + L, so bucket b closes when the watermark
     *       reaches that time: then nothing on time can still arrive for it.</li>
     *   <li>Its calls are kept a grace G longer: a call that comes after the close but before close + G is
     *       still matched against all of them, exactly, and the edges it adds are sent to its partners as
     *       amendments. Later than that, it is written late.</li>
     * </ul>
     */
    public static final class Buckets implements Serializable {
        private static final long serialVersionUID = 1L;

        private final long bucketMs;
        private final long maxLatencyMs;
        private final long lateGraceMs;
        private final long skewMarginMs;

        /** Buckets without a grace: a call that comes after its bucket closed is late. */
        public Buckets(long bucketMs, long maxLatencyMs) {
            this(bucketMs, maxLatencyMs, 0);
        }

        public Buckets(long bucketMs, long maxLatencyMs, long lateGraceMs) {
            this(bucketMs, maxLatencyMs, lateGraceMs, 0);
        }

        public Buckets(long bucketMs, long maxLatencyMs, long lateGraceMs, long skewMarginMs) {
            if (bucketMs < 1 || maxLatencyMs < 0 || lateGraceMs < 0 || skewMarginMs < 0 || skewMarginMs >= bucketMs) {
                throw new IllegalArgumentException("bucket width must be positive, max latency and grace not negative, the skew margin from 0"
                        + " to less than the bucket width");
            }
            this.bucketMs = bucketMs;
            this.maxLatencyMs = maxLatencyMs;
            this.lateGraceMs = lateGraceMs;
            this.skewMarginMs = skewMarginMs;
        }

        public long skewMarginMs() {
            return skewMarginMs;
        }

        public long lateGraceMs() {
            return lateGraceMs;
        }

        /** The event time at which the bucket's calls are forgotten: its close plus the grace. */
        public long forgetsAt(long bucket) {
            long closesAt = closesAt(bucket);
            return closesAt > Long.MAX_VALUE - lateGraceMs ? Long.MAX_VALUE : closesAt + lateGraceMs;
        }

        public long bucketMs() {
            return bucketMs;
        }

        public long maxLatencyMs() {
            return maxLatencyMs;
        }

        public boolean isOverMaxLatency(Call call) {
            return call.getLatencyMsec() > maxLatencyMs;
        }

        /** The one bucket where the call looks for its parents. */
        public long childBucket(Call call) {
            return Math.floorDiv(call.getStartAtMs(), bucketMs);
        }

        /** First bucket where the call can be a parent by the rule: the one it is counted in as a parent. */
        public long firstParentBucket(Call call) {
            long from = isOverMaxLatency(call) ? call.getEndAtMs() - maxLatencyMs : call.getStartAtMs();
            return Math.floorDiv(from, bucketMs);
        }

        /**
         * First bucket the call is copied into as a parent: {@link #firstParentBucket}, or the one before it
         * when the call starts less than the skew margin into its first and ends by the close of the one
         * before (so it is never late there); a call longer than L never.
         */
        public long firstCopyBucket(Call call) {
            long first = firstParentBucket(call);
            if (skewMarginMs == 0 || isOverMaxLatency(call)) {
                return first;
            }
            boolean nearTheStart = Math.floorDiv(call.getStartAtMs() - skewMarginMs, bucketMs) < first;
            return nearTheStart && call.getEndAtMs() <= closesAt(first - 1) ? first - 1 : first;
        }

        /** Last bucket the call is copied into as a parent. */
        public long lastParentBucket(Call call) {
            return Math.floorDiv(call.getEndAtMs(), bucketMs);
        }

        /** How many edge pieces job-match writes for this call: one as child, one per bucket it is copied into as a parent. */
        public int pieces(Call call) {
            return 1 + (int) (lastParentBucket(call) - firstCopyBucket(call) + 1);
        }

        /** The event time at which the bucket closes and its answers are final. */
        public long closesAt(long bucket) {
            return (bucket + 1) * bucketMs - 1 + maxLatencyMs;
        }
    }
}
