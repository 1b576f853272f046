package io.callstitch.deploy.check;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
        }
        return t.toString();
    }

    private static String percent(long part, long whole) {
        return whole == 0 ? "n/a" : String.format("%.2f%% (%d of %d)", 100.0 * part / whole, part, whole);
    }
}
