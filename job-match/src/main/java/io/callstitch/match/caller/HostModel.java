package io.callstitch.match.caller;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one host b does while it serves a call: learned from timing alone, with no labels.
 *
 * <p>A kind is (a, x): a call from a into b (the parent) during which b calls x (the child). Per kind
 * the model holds how many such children a parent has (lambda: the kind's children over the parents
 * from a), and two histograms over {@link TimingBins}: how long after the parent's start the child
 * starts, and how long before the parent's end it ends. A candidate parent p of child c scores
 *
 * <pre>log lambda(a, x) + log f_start(a, x)(c.start - p.start) + log f_end(a, x)(p.end - c.end)</pre>
 *
 * and the posterior of p is the softmax of the scores over c's candidates. Counts are posterior-weighted
 * (online EM: each child, once decided, teaches the model with its posterior), and decay with event time
 * so the model follows a system that changes. With nothing learned yet, the priors favour tight parents:
 * the first picks are those of "the tightest containing parent".
 *
 * <p>All counts are kept divided by a common scale that decay shrinks, so decay costs nothing per count.
 */
final class HostModel {
    /** Pseudo-count of the histograms' prior, in children. */
    private static final double HISTOGRAM_PRIOR = 1.0;
    /** Pseudo-count and value of lambda's prior. */
    private static final double LAMBDA_PRIOR_WEIGHT = 1.0;
    private static final double LAMBDA_PRIOR = 0.1;
    /** Prior mass per bin: decreasing with the gap, and small on the negative side (only skew makes it). */
    private static final double[] LOG_PRIOR_MASS = new double[TimingBins.COUNT];
    private static final double[] PRIOR_MASS = new double[TimingBins.COUNT];
    private static final double[] LOG_WIDTH = new double[TimingBins.COUNT];

    static {
        if (TimingBins.COUNT > Long.SIZE) {
            throw new IllegalStateException("Terms marks the bins it has worked out in one long: " + TimingBins.COUNT + " bins");
        }
        double total = 0;
        for (int bin = 0; bin < TimingBins.COUNT; bin++) {
            double mid = TimingBins.middle(bin);
            double density = Math.pow(1 + Math.abs(mid), -1.5) * (mid < 0 ? 0.01 : 1);
            PRIOR_MASS[bin] = density * TimingBins.width(bin);
            total += PRIOR_MASS[bin];
        }
        for (int bin = 0; bin < TimingBins.COUNT; bin++) {
            PRIOR_MASS[bin] /= total;
            LOG_PRIOR_MASS[bin] = Math.log(PRIOR_MASS[bin]);
            LOG_WIDTH[bin] = Math.log(TimingBins.width(bin));
        }
    }

    /** Children of one kind per parent, counted 0 to FAN_OUT - 1, and FAN_OUT for that many or more. */
    static final int FAN_OUT = 8;
    /** Parents whose fan-out must be known before it replaces lambda in the scores. */
    private static final double MIN_FAN_OUT_PARENTS = 20;
    /** Pseudo-count of the fan-out's prior, in parents; its value for "one more child" is 1/2. */
    private static final double FAN_OUT_PRIOR = 1.0;

    /** One kind's counts, in stored units (real = stored x scale). */
    static final class Kind {
        double children;
        final double[] start = new double[TimingBins.COUNT];
        final double[] end = new double[TimingBins.COUNT];
        /** Parents counted by how many children of this kind were picked for them in the bucket that counts them. */
        final double[] fanOut = new double[FAN_OUT + 1];
        /**
         * Of the counted parents from the kind's caller with a child of another kind: how many there were
         * ({@code [0]}), and how many of them had one of this kind too ({@code [1]}).
         */
        final double[] withOthers = new double[2];
    }

    /**
     * One kind's log terms, fixed while one bucket is decided. The timing terms are worked out per bin when a
     * candidate first needs them (a bucket touches a few of the bins): the kind must not change while these
     * terms are in use, as it does not during a decision.
     */
    static final class Terms {
        final double logLambda;
        private final Kind kind;
        private final double scale;
        private final double total;
        private final double[] logStart = new double[TimingBins.COUNT];
        private final double[] logEnd = new double[TimingBins.COUNT];
        /** Bit b: the term of bin b is worked out (TimingBins.COUNT is under 64). */
        private long startKnown;
        private long endKnown;
        /**
         * Per slot j (the children of this kind a parent already has in the bucket): the log of the chance
         * that a parent has one more, {@code P(N > j | N >= j)}; lambda in every slot until the fan-out is known.
         */
        final double[] logSlot = new double[FAN_OUT + 1];
        private final double[] slotFactors = new double[FAN_OUT + 1];
        /**
         * How many times more (or less) likely a candidate is as its parent's first child of this kind when
         * the parent already has a child of another kind than when it has none: 1 until that is known.
         */
        final double companionFactor;

        Terms(Kind kind, double parents, double scale) {
            this.kind = kind;
            this.scale = scale;
            double children = kind == null ? 0 : kind.children * scale;
            total = children + HISTOGRAM_PRIOR;
            logLambda = Math.log((children + LAMBDA_PRIOR_WEIGHT * LAMBDA_PRIOR) / (parents * scale + LAMBDA_PRIOR_WEIGHT));
            fanOutTerms(kind, scale);
            companionFactor = companionFactor(kind, scale);
        }

        /** log f_start of the bin: the learned share of the kind's children starting in it, per ms of its width. */
        double logStart(int bin) {
            if ((startKnown >>> bin & 1) == 0) {
                logStart[bin] = logDensity(kind == null ? null : kind.start, bin);
                startKnown |= 1L << bin;
            }
            return logStart[bin];
        }

        /** log f_end of the bin, as {@link #logStart} for the gap between the child's end and its parent's. */
        double logEnd(int bin) {
            if ((endKnown >>> bin & 1) == 0) {
                logEnd[bin] = logDensity(kind == null ? null : kind.end, bin);
                endKnown |= 1L << bin;
            }
            return logEnd[bin];
        }

        /** The histogram's share in the bin, smoothed by the prior, per ms; the prior alone for a kind never seen. */
        private double logDensity(double[] histogram, int bin) {
            return histogram == null ? LOG_PRIOR_MASS[bin] - LOG_WIDTH[bin]
                    : Math.log((histogram[bin] * scale + HISTOGRAM_PRIOR * PRIOR_MASS[bin]) / total) - LOG_WIDTH[bin];
        }

        private void fanOutTerms(Kind kind, double scale) {
            double counted = 0;
            if (kind != null) {
                for (double parentsWith : kind.fanOut) {
                    counted += parentsWith * scale;
                }
            }
            if (counted < MIN_FAN_OUT_PARENTS) {
                Arrays.fill(logSlot, logLambda);
                Arrays.fill(slotFactors, 1);
                return;
            }
            // atLeast: parents with at least j children, from the top down
            double atLeast = 0;
            double[] atLeastOf = new double[FAN_OUT + 1];
            for (int j = FAN_OUT; j >= 0; j--) {
                atLeast += kind.fanOut[j] * scale;
                atLeastOf[j] = atLeast;
            }
            for (int j = 0; j < FAN_OUT; j++) {
                logSlot[j] = Math.log((atLeastOf[j + 1] + FAN_OUT_PRIOR * 0.5) / (atLeastOf[j] + FAN_OUT_PRIOR));
            }
            // past the counted range, as the last counted slot
            logSlot[FAN_OUT] = logSlot[FAN_OUT - 1];
            for (int j = 0; j <= FAN_OUT; j++) {
                slotFactors[j] = Math.exp(logSlot[j] - logSlot[0]);
            }
        }

        private double companionFactor(Kind kind, double scale) {
            double counted = kind == null ? 0 : kind.withOthers[0] * scale;
            if (counted < MIN_FAN_OUT_PARENTS || logSlot[0] == logLambda) {
                return 1;
            }
            double logWith = Math.log((kind.withOthers[1] * scale + FAN_OUT_PRIOR * 0.5) / (counted + FAN_OUT_PRIOR));
            return Math.exp(logWith - logSlot[0]);
        }

        /**
         * How many times more (or less) likely a candidate is as its parent's child number {@code slot + 1}
         * of this kind than as its first: exp of the difference of their scores.
         */
        double slotFactor(int slot) {
            return slot == 0 ? 1 : slotFactors[Math.min(slot, FAN_OUT)];
        }

        /** The score of a candidate as the parent's child number {@code slot + 1} of this kind in the bucket. */
        double score(int startBin, int endBin, int slot) {
            return logSlot[Math.min(slot, FAN_OUT)] + logStart(startBin) + logEnd(endBin);
        }
    }

    // caller a -> callee x -> kind; tree maps, so a snapshot lists them in one order
    private final Map<String, Map<String, Kind>> kinds = new TreeMap<>();
    private final Map<String, double[]> parentsFrom = new TreeMap<>();
    /** Children seen, and those with a candidate within t ms (t = 0..max), in stored units: for the tolerance. */
    private double childrenSeen;
    private final double[] coveredWithin = new double[ModelSettings.MAX_AUTO_TOLERANCE_MS + 1];
    /** Per caller: votes for the clock offset of this host against the caller's, and the children that voted. */
    private final Map<String, double[]> offsetVotes = new TreeMap<>();
    private final Map<String, double[]> offsetVoters = new TreeMap<>();
    /** Per caller: the offset as last estimated; recomputed after new votes. */
    private final Map<String, Integer> offsets = new HashMap<>();
    private boolean offsetsStale;
    /** Event time at which faded kinds were last dropped; Long.MIN_VALUE: never. */
    private long forgottenAtMs = Long.MIN_VALUE;
    private int pendingRelease;
    private double scale = 1;
    private long decayedToMs = Long.MIN_VALUE;
    private int kindCount;

    /** Children learned from, decayed. */
    double children() {
        return childrenSeen * scale;
    }

    private boolean isEmpty() {
        return kinds.isEmpty() && parentsFrom.isEmpty() && offsetVotes.isEmpty() && childrenSeen == 0;
    }

    /** Drops faded kinds once per half-life of event time; the first call only starts the clock. */
    void forgetFadedAt(long nowMs, long halfLifeMs, double minChildren, KindBudget budget) {
        if (forgottenAtMs == Long.MIN_VALUE) {
            forgottenAtMs = nowMs;
        } else if (nowMs - forgottenAtMs >= halfLifeMs) {
            forgetBelow(minChildren, budget);
            forgottenAtMs = nowMs;
        }
    }

    int kindCount() {
        return kindCount;
    }

    /** Lets what was learned before {@code eventTimeMs} fade by its age. Time never goes back. */
    void decayTo(long eventTimeMs, long halfLifeMs) {
        if (decayedToMs == Long.MIN_VALUE || eventTimeMs <= decayedToMs) {
            decayedToMs = Math.max(decayedToMs, eventTimeMs);
            return;
        }
        scale *= Math.pow(0.5, (double) (eventTimeMs - decayedToMs) / halfLifeMs);
        decayedToMs = eventTimeMs;
        // the offsets' thresholds count real children: they are a function of the scale too
        offsetsStale = true;
        if (scale < 1e-100) {
            rescale();
        }
    }

    /** The terms of kind (a, x) as learned so far; for a kind never seen, its priors. */
    Terms terms(String caller, String callee) {
        Map<String, Kind> byCallee = kinds.get(caller);
        Kind kind = byCallee == null ? null : byCallee.get(callee);
        double[] parents = parentsFrom.get(caller);
        return new Terms(kind, parents == null ? 0 : parents[0], scale);
    }

    /**
     * The tolerance this host's children need: the smallest t after which one more ms gives under 0.2% of
     * them a first candidate. 0 until 100 children have been seen.
     */
    int tolerance() {
        if (childrenSeen * scale < 100) {
            return 0;
        }
        for (int t = 0; t < ModelSettings.MAX_AUTO_TOLERANCE_MS; t++) {
            if (coveredWithin[t + 1] - coveredWithin[t] < 0.002 * childrenSeen) {
                return t;
            }
        }
        return ModelSettings.MAX_AUTO_TOLERANCE_MS;
    }

    /** One child was seen whose closest candidate misses it by {@code needMs} (-1: none within the widest tolerance). */
    void learnCoverage(int needMs) {
        childrenSeen += 1 / scale;
        if (needMs >= 0) {
            for (int t = needMs; t < coveredWithin.length; t++) {
                coveredWithin[t] += 1 / scale;
            }
        }
    }

    /**
     * One bucket's votes for the offset of this host's clock against {@code caller}'s, as a difference array
     * ({@link ClockOffsets#voteInto}), from {@code voters} children that voted with one or more pairs.
     */
    void voteOffsets(String caller, int[] difference, int voters) {
        ClockOffsets.addCounted(offsetVotes.computeIfAbsent(caller, a -> new double[ClockOffsets.SLOTS]), difference, 1 / scale);
        offsetVoters.computeIfAbsent(caller, a -> new double[1])[0] += voters / scale;
        offsetsStale = true;
    }

    /** The clock offset of this host against {@code caller}'s (ms, this host's clock minus the caller's). */
    int offset(String caller) {
        if (offsetsStale) {
            Map<String, Integer> before = new HashMap<>(offsets);
            offsets.clear();
            for (Map.Entry<String, double[]> votes : offsetVotes.entrySet()) {
                double[] voters = offsetVoters.get(votes.getKey());
                double realVoters = voters == null ? 0 : voters[0] * scale;
                int was = before.getOrDefault(votes.getKey(), 0);
                // most callers of a busy host have too few voters to be believed: no need to scale their votes
                int offset = 0;
                if (realVoters >= ClockOffsets.MIN_VOTERS) {
                    double[] real = votes.getValue().clone();
                    for (int slot = 0; slot < real.length; slot++) {
                        real[slot] *= scale;
                    }
                    offset = ClockOffsets.estimate(real, realVoters, was);
                }
                if (offset != 0) {
                    offsets.put(votes.getKey(), offset);
                }
                if (Math.abs(offset - was) > ModelSettings.MAX_AUTO_TOLERANCE_MS) {
                    // what was learned of this caller was learned on the wrong clock: start again on the new one
                    // (a move within the tolerance only blurs the histograms by a bin or two: kept)
                    Map<String, Kind> stale = kinds.remove(votes.getKey());
                    if (stale != null) {
                        kindCount -= stale.size();
                        pendingRelease += stale.size();
                    }
                }
            }
            offsetsStale = false;
        }
        return offsets.getOrDefault(caller, 0);
    }

    /** Kinds dropped by a change of clock offset, not yet given back to the budget. */
    int takeReleasedKinds() {
        int released = pendingRelease;
        pendingRelease = 0;
        return released;
    }

    /** The widest offset against any caller (ms, either way). */
    int widestOffset() {
        offset("");
        int widest = 0;
        for (int offset : offsets.values()) {
            widest = Math.max(widest, Math.abs(offset));
        }
        return widest;
    }

    /** Callers whose offset is not 0. */
    int callersWithOffset() {
        offset("");
        return offsets.size();
    }

    /** One parent from {@code caller} was seen. */
    void learnParent(String caller) {
        parentsFrom.computeIfAbsent(caller, a -> new double[1])[0] += 1 / scale;
    }

    /**
     * Adds (sign 1) or takes back (sign -1) one bucket's posterior-weighted pairs of kind (caller, callee):
     * {@code sums[0]} children, then the start bins, then the end bins.
     */
    void learnKind(String caller, String callee, double[] sums, int sign, KindBudget budget) {
        Map<String, Kind> byCallee = kinds.computeIfAbsent(caller, a -> new TreeMap<>());
        Kind kind = byCallee.get(callee);
        if (kind == null) {
            if (sign < 0 || !budget.take()) {
                if (byCallee.isEmpty()) {
                    kinds.remove(caller);
                }
                return;
            }
            kind = new Kind();
            byCallee.put(callee, kind);
            kindCount++;
        }
        double factor = sign / scale;
        kind.children += sums[0] * factor;
        for (int bin = 0; bin < TimingBins.COUNT; bin++) {
            kind.start[bin] += sums[1 + bin] * factor;
            kind.end[bin] += sums[1 + TimingBins.COUNT + bin] * factor;
        }
    }

    /** The callees of the kinds learned for parents from {@code caller}, in name order. */
    Iterable<String> calleesOf(String caller) {
        Map<String, Kind> byCallee = kinds.get(caller);
        return byCallee == null ? List.of() : byCallee.keySet();
    }

    /** One parent from {@code caller} counted with {@code children} children of kind (caller, callee) picked for it. */
    void learnFanOut(String caller, String callee, int children) {
        Map<String, Kind> byCallee = kinds.get(caller);
        Kind kind = byCallee == null ? null : byCallee.get(callee);
        if (kind != null) {
            kind.fanOut[Math.min(children, FAN_OUT)] += 1 / scale;
        }
    }

    /**
     * One parent from {@code caller} counted with a child of another kind than (caller, callee), and
     * whether it had one of that kind too.
     */
    void learnWithOthers(String caller, String callee, boolean hadThis) {
        Map<String, Kind> byCallee = kinds.get(caller);
        Kind kind = byCallee == null ? null : byCallee.get(callee);
        if (kind != null) {
            kind.withOthers[0] += 1 / scale;
            kind.withOthers[1] += hadThis ? 1 / scale : 0;
        }
    }

    /** Drops kinds whose weight has decayed below {@code minChildren}; returns how many went. */
    int forgetBelow(double minChildren, KindBudget budget) {
        int dropped = 0;
        List<String> emptyCallers = new ArrayList<>();
        for (Map.Entry<String, Map<String, Kind>> byCaller : kinds.entrySet()) {
            var it = byCaller.getValue().values().iterator();
            while (it.hasNext()) {
                if (it.next().children * scale < minChildren) {
                    it.remove();
                    dropped++;
                }
            }
            if (byCaller.getValue().isEmpty()) {
                emptyCallers.add(byCaller.getKey());
            }
        }
        for (String caller : emptyCallers) {
            kinds.remove(caller);
        }
        // a caller's parent count stays while any of its kinds does: lambda divides by it
        parentsFrom.entrySet().removeIf(e -> e.getValue()[0] * scale < minChildren && !kinds.containsKey(e.getKey()));
        for (String caller : new ArrayList<>(offsetVoters.keySet())) {
            if (offsetVoters.get(caller)[0] * scale < minChildren) {
                offsetVoters.remove(caller);
                offsetVotes.remove(caller);
                offsetsStale = true;
            }
        }
        kindCount -= dropped;
        budget.give(dropped);
        return dropped;
    }

    private void rescale() {
        for (Map<String, Kind> byCallee : kinds.values()) {
            for (Kind kind : byCallee.values()) {
                kind.children *= scale;
                for (int bin = 0; bin < TimingBins.COUNT; bin++) {
                    kind.start[bin] *= scale;
                    kind.end[bin] *= scale;
                }
                for (int n = 0; n <= FAN_OUT; n++) {
                    kind.fanOut[n] *= scale;
                }
                kind.withOthers[0] *= scale;
                kind.withOthers[1] *= scale;
            }
        }
        for (double[] count : parentsFrom.values()) {
            count[0] *= scale;
        }
        childrenSeen *= scale;
        for (double[] votes : offsetVotes.values()) {
            for (int slot = 0; slot < votes.length; slot++) {
                votes[slot] *= scale;
            }
        }
        for (double[] voters : offsetVoters.values()) {
            voters[0] *= scale;
        }
        for (int t = 0; t < coveredWithin.length; t++) {
            coveredWithin[t] *= scale;
        }
        scale = 1;
    }

    /**
     * Writes the model as it is held (its scale, then the stored counts), sparse: only bins with weight.
     * Read back into an empty model it is the same model to the last bit, so a restore changes no answer.
     */
    void write(DataOutput out) throws IOException {
        out.writeDouble(scale);
        out.writeLong(decayedToMs);
        out.writeLong(forgottenAtMs);
        out.writeDouble(childrenSeen);
        for (double covered : coveredWithin) {
            out.writeDouble(covered);
        }
        out.writeInt(offsetVotes.size());
        for (Map.Entry<String, double[]> votes : offsetVotes.entrySet()) {
            out.writeUTF(votes.getKey());
            double[] voters = offsetVoters.get(votes.getKey());
            out.writeDouble(voters == null ? 0 : voters[0]);
            for (double vote : votes.getValue()) {
                out.writeDouble(vote);
            }
        }
        // the last estimates as they stand (never recomputed here: a snapshot must not change the model),
        // since a change of estimate drops what was learned on the old clock
        out.writeBoolean(offsetsStale);
        out.writeInt(offsets.size());
        for (Map.Entry<String, Integer> offset : new TreeMap<>(offsets).entrySet()) {
            out.writeUTF(offset.getKey());
            out.writeInt(offset.getValue());
        }
        out.writeInt(parentsFrom.size());
        for (Map.Entry<String, double[]> entry : parentsFrom.entrySet()) {
            out.writeUTF(entry.getKey());
            out.writeDouble(entry.getValue()[0]);
        }
        out.writeInt(kinds.size());
        for (Map.Entry<String, Map<String, Kind>> byCaller : kinds.entrySet()) {
            out.writeUTF(byCaller.getKey());
            out.writeInt(byCaller.getValue().size());
            for (Map.Entry<String, Kind> entry : byCaller.getValue().entrySet()) {
                out.writeUTF(entry.getKey());
                Kind kind = entry.getValue();
                out.writeDouble(kind.children);
                writeSparse(out, kind.start);
                writeSparse(out, kind.end);
                writeSparse(out, kind.fanOut);
                out.writeDouble(kind.withOthers[0]);
                out.writeDouble(kind.withOthers[1]);
            }
        }
    }

    private void writeSparse(DataOutput out, double[] bins) throws IOException {
        int used = 0;
        for (double weight : bins) {
            used += weight != 0 ? 1 : 0;
        }
        out.writeByte(used);
        for (int bin = 0; bin < bins.length; bin++) {
            if (bins[bin] != 0) {
                out.writeByte(bin);
                out.writeDouble(bins[bin]);
            }
        }
    }

    /**
     * Adds a model written by {@link #write}, its counts multiplied by {@code share} (1 when the host is
     * in one copy, as it is whenever the state was written by one model per host; 1 / n for n copies in
     * state from before, when each subtask learned its own).
     */
    void addWritten(DataInput in, double share, KindBudget budget, int format) throws IOException {
        double writtenScale = in.readDouble();
        // one copy into an empty model: taken as it is, bit for bit
        boolean adopt = share == 1 && isEmpty();
        if (adopt) {
            scale = writtenScale;
        }
        double factor = adopt ? 1 : writtenScale * share / scale;
        decayedToMs = Math.max(decayedToMs, in.readLong());
        forgottenAtMs = Math.max(forgottenAtMs, in.readLong());
        childrenSeen += in.readDouble() * factor;
        for (int t = 0; t < coveredWithin.length; t++) {
            coveredWithin[t] += in.readDouble() * factor;
        }
        int voting = in.readInt();
        for (int i = 0; i < voting; i++) {
            String caller = in.readUTF();
            offsetVoters.computeIfAbsent(caller, a -> new double[1])[0] += in.readDouble() * factor;
            double[] votes = offsetVotes.computeIfAbsent(caller, a -> new double[ClockOffsets.SLOTS]);
            for (int slot = 0; slot < votes.length; slot++) {
                votes[slot] += in.readDouble() * factor;
            }
        }
        boolean stale = in.readBoolean();
        int estimated = in.readInt();
        for (int i = 0; i < estimated; i++) {
            String caller = in.readUTF();
            int offset = in.readInt();
            if (adopt) {
                offsets.put(caller, offset);
            }
        }
        offsetsStale = !adopt || stale;
        int callers = in.readInt();
        for (int i = 0; i < callers; i++) {
            String caller = in.readUTF();
            parentsFrom.computeIfAbsent(caller, a -> new double[1])[0] += in.readDouble() * factor;
        }
        int kindCallers = in.readInt();
        for (int i = 0; i < kindCallers; i++) {
            String caller = in.readUTF();
            int callees = in.readInt();
            for (int j = 0; j < callees; j++) {
                String callee = in.readUTF();
                double children = in.readDouble();
                Map<String, Kind> byCallee = kinds.computeIfAbsent(caller, a -> new TreeMap<>());
                Kind kind = byCallee.get(callee);
                if (kind == null && budget.take()) {
                    kind = new Kind();
                    byCallee.put(callee, kind);
                    kindCount++;
                }
                if (kind != null) {
                    kind.children += children * factor;
                }
                // format 1 had no fan-out
                int tables = format >= 2 ? 3 : 2;
                double[][] into = kind == null ? new double[tables][] : Arrays.copyOf(new double[][] {kind.start, kind.end, kind.fanOut}, tables);
                for (double[] bins : into) {
                    int used = in.readUnsignedByte();
                    for (int k = 0; k < used; k++) {
                        int bin = in.readUnsignedByte();
                        double weight = in.readDouble();
                        if (bins != null && bin < bins.length) {
                            bins[bin] += weight * factor;
                        }
                    }
                }
                // format 3 added the parents with children of other kinds
                for (int k = 0; format >= 3 && k < 2; k++) {
                    double parents = in.readDouble();
                    if (kind != null) {
                        kind.withOthers[k] += parents * factor;
                    }
                }
                if (byCallee.isEmpty()) {
                    kinds.remove(caller);
                }
            }
        }
    }
}
