package io.callstitch.tools.check;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.callstitch.reference.BruteForce;
import io.callstitch.schema.Call;
import io.callstitch.schema.StitchedCall;

/**
 * How a stitched output compares with the rule and, where known, with the truth. Against the rule
 * (a brute-force reading over every pair) the answer must be exact; against the truth (each call's
 * real parent, known for simulated traffic) the rule finds every containing parent, and under
 * concurrency many of those are coincidences: recall and precision say how many.
 */
public final class Evaluation {
    public long calls;
    public long stitchedRecords;
    public long ruleEdges;
    public long stitchedEdges;
    /** Calls whose parents or children differ from the rule, plus calls missing or written twice. */
    public long differences;
    public final List<String> differenceExamples = new ArrayList<>();
    /** Calls that have a true parent among the calls. */
    public long trueEdges = -1;
    public long trueEdgesFound;
    public long parentEntries;
    public long childrenWithSeveralParents;
    /** With the truth: callstitch's best parents, and the tightest containing parent on the same calls. */
    public BestParentScore bestParent;
    public BestParentScore tightest;

    public static Evaluation of(Collection<Call> calls, Collection<StitchedCall> stitched, Map<String, String> truthParents) {
        Evaluation e = new Evaluation();
        e.calls = calls.size();
        e.stitchedRecords = stitched.size();
        Map<String, StitchedCall> byId = new HashMap<>();
        for (StitchedCall call : stitched) {
            if (byId.put(call.getId(), call) != null) {
                e.difference("written twice: " + call.getId());
            }
            e.stitchedEdges += call.getParents().size();
        }
        Map<String, BruteForce.Expected> expected = BruteForce.stitch(calls);
        for (Map.Entry<String, BruteForce.Expected> entry : expected.entrySet()) {
            e.ruleEdges += entry.getValue().parents.size();
            StitchedCall call = byId.get(entry.getKey());
            if (call == null) {
                e.difference("missing: " + entry.getKey());
            } else if (!call.getParents().equals(entry.getValue().parentList()) || !call.getChildren().equals(entry.getValue().childList())) {
                e.difference("differs: " + entry.getKey());
            }
        }
        for (String id : byId.keySet()) {
            if (!expected.containsKey(id)) {
                e.difference("not an input call: " + id);
            }
        }
        if (truthParents != null) {
            e.trueEdges = 0;
            for (Call call : calls) {
                String parent = truthParents.get(call.getId());
                StitchedCall stitchedCall = byId.get(call.getId());
                if (parent == null || !expected.containsKey(parent)) {
                    continue;
                }
                e.trueEdges++;
                if (stitchedCall != null) {
                    e.trueEdgesFound += stitchedCall.getParents().contains(parent) ? 1 : 0;
                    e.parentEntries += stitchedCall.getParents().size();
                    e.childrenWithSeveralParents += stitchedCall.getParents().size() > 1 ? 1 : 0;
                }
            }
            e.bestParent = BestParentScore.ofBestParents(calls, byId, truthParents);
            e.tightest = BestParentScore.ofTightest(calls, expected, truthParents);
        }
        return e;
    }

    private void difference(String example) {
        differences++;
        if (differenceExamples.size() < 5) {
            differenceExamples.add(example);
        }
    }

    /** The evaluation as one Markdown table. */
    public String table() {
        StringBuilder t = new StringBuilder("| measure | value |\n|---|---|\n");
        t.append("| calls (valid, distinct ids) | ").append(calls).append(" |\n");
        t.append("| stitched records | ").append(stitchedRecords).append(" |\n");
        t.append("| edges by the rule (brute force) | ").append(ruleEdges).append(" |\n");
        t.append("| edges in the stitched output | ").append(stitchedEdges).append(" |\n");
        t.append("| calls that differ from the rule | ").append(differences).append(" |\n");
        if (trueEdges >= 0) {
            t.append("| true edges (calls with a true parent) | ").append(trueEdges).append(" |\n");
            t.append("| recall of true edges | ").append(percent(trueEdgesFound, trueEdges)).append(" |\n");
            t.append("| precision of the parents lists | ").append(percent(trueEdgesFound, parentEntries)).append(" |\n");
            t.append("| children with more than one candidate parent | ").append(percent(childrenWithSeveralParents, trueEdges)).append(" |\n");
            t.append("| best parent right, per edge | ").append(percent(bestParent.edgesRight, bestParent.edges)).append(" |\n");
            t.append("| best parent right, per edge, by quarter of the run | ");
            for (int quarter = 0; quarter < 4; quarter++) {
                t.append(quarter == 0 ? "" : " / ").append(share(bestParent.quarterEdgesRight[quarter], bestParent.quarterEdges[quarter]));
            }
            t.append(" |\n");
            t.append("| best parent right, per trace | ").append(percent(bestParent.tracesRight, bestParent.traces)).append(" |\n");
            t.append("| the 80% most confident best parents right | ")
                    .append(Double.isNaN(bestParent.top80Accuracy) ? "n/a" : String.format("%.2f%%", 100 * bestParent.top80Accuracy)).append(" |\n");
            t.append("| tightest containing parent right, per edge | ").append(percent(tightest.edgesRight, tightest.edges)).append(" |\n");
            t.append("| tightest containing parent right, per trace | ").append(percent(tightest.tracesRight, tightest.traces)).append(" |\n");
        }
        return t.toString();
    }

    /** With the truth: best parents by confidence, as one Markdown table (empty without the truth). */
    public String calibrationTable() {
        if (bestParent == null) {
            return "";
        }
        StringBuilder t = new StringBuilder("| confidence | picks | mean confidence | right |\n|---|---:|---:|---:|\n");
        double[] bounds = BestParentScore.CALIBRATION_BOUNDS;
        for (int bin = 0; bin < bestParent.binPicks.length; bin++) {
            long picks = bestParent.binPicks[bin];
            t.append(String.format("| %.2f-%.2f | %d | %s | %s |%n", bounds[bin], Math.min(1.0, bounds[bin + 1]), picks,
                    picks == 0 ? "-" : String.format("%.3f", bestParent.binConfidence[bin]),
                    picks == 0 ? "-" : String.format("%.3f", (double) bestParent.binRight[bin] / picks)));
        }
        return t.toString();
    }

    private static String share(long part, long whole) {
        return whole == 0 ? "n/a" : String.format("%.2f%%", 100.0 * part / whole);
    }

    private static String percent(long part, long whole) {
        return whole == 0 ? "n/a" : String.format("%.2f%% (%d of %d)", 100.0 * part / whole, part, whole);
    }
}
