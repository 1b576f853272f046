package io.callstitch.match.caller;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
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

    static {
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
        }
    }

    /** One kind's counts, in stored units (real = stored x scale). */
    static final class Kind {
        double children;
        final double[] start = new double[TimingBins.COUNT];
        final double[] end = new double[TimingBins.COUNT];
    }

    /** One kind's log terms, fixed while one bucket is decided. */
    static final class Terms {
        final double logLambda;
        final double[] logStart = new double[TimingBins.COUNT];
        final double[] logEnd = new double[TimingBins.COUNT];

        Terms(Kind kind, double parents, double scale) {
            double children = kind == null ? 0 : kind.children * scale;
            logLambda = Math.log((children + LAMBDA_PRIOR_WEIGHT * LAMBDA_PRIOR) / (parents * scale + LAMBDA_PRIOR_WEIGHT));
            for (int bin = 0; bin < TimingBins.COUNT; bin++) {
                double logWidth = Math.log(TimingBins.width(bin));
                if (kind == null) {
                    logStart[bin] = LOG_PRIOR_MASS[bin] - logWidth;
                    logEnd[bin] = logStart[bin];
                } else {
                    double total = children + HISTOGRAM_PRIOR;
                    logStart[bin] = Math.log((kind.start[bin] * scale + HISTOGRAM_PRIOR * PRIOR_MASS[bin]) / total) - logWidth;
                    logEnd[bin] = Math.log((kind.end[bin] * scale + HISTOGRAM_PRIOR * PRIOR_MASS[bin]) / total) - logWidth;
                }
            }
        }

        double score(long startGapMs, long endGapMs) {
            return logLambda + logStart[TimingBins.of(startGapMs)] + logEnd[TimingBins.of(endGapMs)];
        }
    }

    // caller a -> callee x -> kind; tree maps, so a snapshot lists them in one order
    private final Map<String, Map<String, Kind>> kinds = new TreeMap<>();
    private final Map<String, double[]> parentsFrom = new TreeMap<>();
    /** Children seen, and those with a candidate within t ms (t = 0..max), in stored units: for the tolerance. */
    private double childrenSeen;
    private final double[] coveredWithin = new double[ModelSettings.MAX_AUTO_TOLERANCE_MS + 1];
    private double scale = 1;
    private long decayedToMs = Long.MIN_VALUE;
    private int kindCount;

    /** Children learned from, decayed. */
    double children() {
        return childrenSeen * scale;
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

    /** One parent from {@code caller} was seen. */
    void learnParent(String caller) {
        parentsFrom.computeIfAbsent(caller, a -> new double[1])[0] += 1 / scale;
    }

    /**
     * A child of {@code callee} had this candidate from {@code caller} with this posterior weight.
     *
     * @return false when the kind is new and {@code budget} refused it
     */
    boolean learnPair(String caller, String callee, long startGapMs, long endGapMs, double weight, KindBudget budget) {
        Map<String, Kind> byCallee = kinds.computeIfAbsent(caller, a -> new TreeMap<>());
        Kind kind = byCallee.get(callee);
        if (kind == null) {
            if (!budget.take()) {
                if (byCallee.isEmpty()) {
                    kinds.remove(caller);
                }
                return false;
            }
            kind = new Kind();
            byCallee.put(callee, kind);
            kindCount++;
        }
        double stored = weight / scale;
        kind.children += stored;
        kind.start[TimingBins.of(startGapMs)] += stored;
        kind.end[TimingBins.of(endGapMs)] += stored;
        return true;
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
            }
        }
        for (double[] count : parentsFrom.values()) {
            count[0] *= scale;
        }
        childrenSeen *= scale;
        for (int t = 0; t < coveredWithin.length; t++) {
            coveredWithin[t] *= scale;
        }
        scale = 1;
    }

    /** Writes the model in real units, sparse: only bins with weight. */
    void write(DataOutput out) throws IOException {
        out.writeLong(decayedToMs);
        out.writeDouble(childrenSeen * scale);
        for (double covered : coveredWithin) {
            out.writeDouble(covered * scale);
        }
        out.writeInt(parentsFrom.size());
        for (Map.Entry<String, double[]> entry : parentsFrom.entrySet()) {
            out.writeUTF(entry.getKey());
            out.writeDouble(entry.getValue()[0] * scale);
        }
        out.writeInt(kinds.size());
        for (Map.Entry<String, Map<String, Kind>> byCaller : kinds.entrySet()) {
            out.writeUTF(byCaller.getKey());
            out.writeInt(byCaller.getValue().size());
            for (Map.Entry<String, Kind> entry : byCaller.getValue().entrySet()) {
                out.writeUTF(entry.getKey());
                Kind kind = entry.getValue();
                out.writeDouble(kind.children * scale);
                writeSparse(out, kind.start);
                writeSparse(out, kind.end);
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
                out.writeDouble(bins[bin] * scale);
            }
        }
    }

    /**
     * Adds a model written by {@link #write}, its counts multiplied by {@code share} (1 / the number of
     * copies merged after a rescale; 1 when a subtask takes its own copy back).
     */
    void addWritten(DataInput in, double share, KindBudget budget) throws IOException {
        decayedToMs = Math.max(decayedToMs, in.readLong());
        childrenSeen += in.readDouble() * share / scale;
        for (int t = 0; t < coveredWithin.length; t++) {
            coveredWithin[t] += in.readDouble() * share / scale;
        }
        int callers = in.readInt();
        for (int i = 0; i < callers; i++) {
            String caller = in.readUTF();
            parentsFrom.computeIfAbsent(caller, a -> new double[1])[0] += in.readDouble() * share / scale;
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
                double factor = share / scale;
                if (kind != null) {
                    kind.children += children * factor;
                }
                for (double[] bins : kind == null ? new double[][] {null, null} : new double[][] {kind.start, kind.end}) {
                    int used = in.readUnsignedByte();
                    for (int k = 0; k < used; k++) {
                        int bin = in.readUnsignedByte();
                        double weight = in.readDouble();
                        if (bins != null && bin < bins.length) {
                            bins[bin] += weight * factor;
                        }
                    }
                }
                if (byCallee.isEmpty()) {
                    kinds.remove(caller);
                }
            }
        }
    }
}
