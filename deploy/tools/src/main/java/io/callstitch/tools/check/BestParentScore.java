package io.callstitch.tools.check;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import io.callstitch.reference.BruteForce;
import io.callstitch.schema.Call;
import io.callstitch.schema.StitchedCall;

/**
 * How well one choice of a single parent per call matches the truth: per edge (calls whose true parent
 * is among the calls, picked right) and per trace (a request from outside with everything it caused:
 * it counts when every call in it has its true parent, and its root none). Scores both callstitch's
 * {@code best_parent} and, as the baseline, the tightest containing parent (the rule's parent with the
 * shortest latency).
 */
public final class BestParentScore {
    /** Confidence bins of the calibration table: [lower, upper). */
    static final double[] CALIBRATION_BOUNDS = {0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0000001};

    public long edges;
    public long edgesRight;
    /**
     * Per edge again, by quarter of the run: the edges in order of the child's start, in four equal parts.
     * A streaming model learns as it goes, so the last quarter is nearer what a long-running deployment sees.
     */
    public final long[] quarterEdges = new long[4];
    public final long[] quarterEdgesRight = new long[4];
    public long traces;
    public long tracesRight;
    /** best_parent only: accuracy of the 80% most confident picks among calls with a true parent. */
    public double top80Accuracy = Double.NaN;
    /** best_parent only: per calibration bin, picks, their mean confidence and how many were right. */
    public final long[] binPicks = new long[CALIBRATION_BOUNDS.length - 1];
    public final double[] binConfidence = new double[CALIBRATION_BOUNDS.length - 1];
    public final long[] binRight = new long[CALIBRATION_BOUNDS.length - 1];

    /** callstitch's picks. */
    static BestParentScore ofBestParents(Collection<Call> calls, Map<String, StitchedCall> stitched, Map<String, String> truth) {
        BestParentScore score = of(calls, truth, id -> {
            StitchedCall call = stitched.get(id);
            return call == null ? null : call.getBestParent();
        });
        score.confidences(calls, stitched, truth);
        return score;
    }

    /** The baseline: among the rule's parents, the one with the shortest latency (then the smallest id). */
    static BestParentScore ofTightest(Collection<Call> calls, Map<String, BruteForce.Expected> rule, Map<String, String> truth) {
        Map<String, Call> byId = new HashMap<>();
        for (Call call : calls) {
            byId.put(call.getId(), call);
        }
        Comparator<String> tightest = Comparator.<String>comparingLong(id -> byId.get(id).getLatencyMsec()).thenComparing(id -> id);
        return of(calls, truth, id -> {
            BruteForce.Expected expected = rule.get(id);
            return expected == null || expected.parents.isEmpty() ? null : expected.parents.stream().min(tightest).orElseThrow();
        });
    }

    private static BestParentScore of(Collection<Call> calls, Map<String, String> truth, Function<String, String> pick) {
        BestParentScore score = new BestParentScore();
        Map<String, Boolean> callsById = new HashMap<>();
        for (Call call : calls) {
            callsById.put(call.getId(), Boolean.TRUE);
        }
        Map<String, String> rootOf = new HashMap<>();
        Map<String, Boolean> traceRight = new HashMap<>();
        List<long[]> startAndRight = new ArrayList<>();
        for (Call call : calls) {
            String id = call.getId();
            String truthParent = trueParent(id, truth, callsById);
            boolean right = Objects.equals(pick.apply(id), truthParent);
            if (truthParent != null) {
                score.edges++;
                score.edgesRight += right ? 1 : 0;
                startAndRight.add(new long[] {call.getStartAtMs(), right ? 1 : 0});
            }
            String root = root(id, truth, callsById, rootOf);
            traceRight.merge(root, right, Boolean::logicalAnd);
        }
        startAndRight.sort(Comparator.comparingLong(edge -> edge[0]));
        for (int i = 0; i < startAndRight.size(); i++) {
            int quarter = (int) (4L * i / startAndRight.size());
            score.quarterEdges[quarter]++;
            score.quarterEdgesRight[quarter] += startAndRight.get(i)[1];
        }
        score.traces = traceRight.size();
        score.tracesRight = traceRight.values().stream().filter(right -> right).count();
        return score;
    }

    private void confidences(Collection<Call> calls, Map<String, StitchedCall> stitched, Map<String, String> truth) {
        Map<String, Boolean> callsById = new HashMap<>();
        for (Call call : calls) {
            callsById.put(call.getId(), Boolean.TRUE);
        }
        List<double[]> picks = new ArrayList<>();
        for (Call call : calls) {
            StitchedCall out = stitched.get(call.getId());
            String truthParent = trueParent(call.getId(), truth, callsById);
            if (out == null || out.getBestParent() == null || !truth.containsKey(call.getId())) {
                continue;
            }
            boolean right = out.getBestParent().equals(truthParent);
            double confidence = out.getBestParentConfidence();
            for (int bin = 0; bin < binPicks.length; bin++) {
                if (confidence >= CALIBRATION_BOUNDS[bin] && confidence < CALIBRATION_BOUNDS[bin + 1]) {
                    binPicks[bin]++;
                    binConfidence[bin] += confidence;
                    binRight[bin] += right ? 1 : 0;
                }
            }
            if (truthParent != null) {
                picks.add(new double[] {confidence, right ? 1 : 0});
            }
        }
        for (int bin = 0; bin < binPicks.length; bin++) {
            binConfidence[bin] = binPicks[bin] == 0 ? Double.NaN : binConfidence[bin] / binPicks[bin];
        }
        picks.sort((a, b) -> Double.compare(b[0], a[0]));
        int top = (int) Math.ceil(picks.size() * 0.8);
        if (top > 0) {
            double right = 0;
            for (int i = 0; i < top; i++) {
                right += picks.get(i)[1];
            }
            top80Accuracy = right / top;
        }
    }

    /** The true parent when it is among the calls (a parent outside the capture is no edge to find). */
    private static String trueParent(String id, Map<String, String> truth, Map<String, Boolean> calls) {
        String parent = truth.get(id);
        return parent != null && calls.containsKey(parent) ? parent : null;
    }

    private static String root(String id, Map<String, String> truth, Map<String, Boolean> calls, Map<String, String> rootOf) {
        List<String> path = new ArrayList<>();
        String at = id;
        String root = null;
        while (root == null) {
            String known = rootOf.get(at);
            if (known != null) {
                root = known;
            } else {
                path.add(at);
                String parent = trueParent(at, truth, calls);
                // a cycle in a hand-made truth file ends the walk where it closes
                if (parent == null || path.contains(parent)) {
                    root = at;
                } else {
                    at = parent;
                }
            }
        }
        for (String onPath : path) {
            rootOf.put(onPath, root);
        }
        return root;
    }
}
