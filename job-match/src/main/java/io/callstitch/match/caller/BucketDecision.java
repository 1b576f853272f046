package io.callstitch.match.caller;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import io.callstitch.schema.Call;

/**
 * One closed bucket of one host, indexed once for its E-steps and M-steps: callers and callees as small
 * ints (numbered in name order), each child's candidates as parent indexes with their timing bins, so a
 * step costs array reads per candidate and one model update per kind, never a map look-up or a string
 * comparison per edge.
 */
final class BucketDecision {
    private final List<Call> parents;
    private final List<Call> children;
    private final String[] callerNames;
    private final int[] callerOf;
    private final String[] calleeNames;
    private final int[] calleeOf;
    /** Per child: candidate parent indexes in id order, and their start and end gap bins. */
    final int[][] candidates;
    private final int[][] startBins;
    private final int[][] endBins;
    /** Children in id order: the order the model learns in. */
    private final int[] childOrder;

    /**
     * @param widened per child, the indexes of the parents that contain it widened by the host's slack, in
     *     an order that does not depend on the order the calls arrived in ({@code ContainmentMatcher}'s:
     *     by end time, then id); the picks and what is learned depend on it only through ties and sums
     * @param toleranceMs how far (after the clock offset) a candidate may miss the child
     * @param offsets whether the host's clock offsets against its callers apply
     */
    BucketDecision(HostModel model, List<Call> parents, List<Call> children, List<int[]> widened, int toleranceMs, boolean offsets) {
        this.parents = parents;
        this.children = children;
        callerNames = distinct(parents, true);
        calleeNames = distinct(children, false);
        Map<String, Integer> callerIndex = index(callerNames);
        Map<String, Integer> calleeIndex = index(calleeNames);
        callerOf = new int[parents.size()];
        for (int p = 0; p < callerOf.length; p++) {
            callerOf[p] = callerIndex.get(parents.get(p).getSrcIp());
        }
        calleeOf = new int[children.size()];
        for (int c = 0; c < calleeOf.length; c++) {
            calleeOf[c] = calleeIndex.get(children.get(c).getDstIp());
        }
        int[] offsetOf = new int[callerNames.length];
        for (int a = 0; a < offsetOf.length; a++) {
            offsetOf[a] = offsets ? model.offset(callerNames[a]) : 0;
        }
        childOrder = CallerModels.idOrder(children);
        candidates = new int[children.size()][];
        startBins = new int[children.size()][];
        endBins = new int[children.size()][];
        for (int c : childOrder) {
            Call child = children.get(c);
            int[] given = widened.get(c);
            int[] kept = new int[given.length];
            int[] starts = new int[given.length];
            int[] ends = new int[given.length];
            int count = 0;
            int closest = -1;
            for (int p : given) {
                Call parent = parents.get(p);
                int offset = offsetOf[callerOf[p]];
                long startGap = child.getStartAtMs() - offset - parent.getStartAtMs();
                long endGap = parent.getEndAtMs() - (child.getEndAtMs() - offset);
                long miss = Math.max(0, Math.max(-startGap, -endGap));
                if (miss <= ModelSettings.MAX_AUTO_TOLERANCE_MS) {
                    closest = closest < 0 ? (int) miss : Math.min(closest, (int) miss);
                }
                if (miss <= toleranceMs) {
                    kept[count] = p;
                    starts[count] = TimingBins.of(startGap);
                    ends[count] = TimingBins.of(endGap);
                    count++;
                }
            }
            model.learnCoverage(closest);
            candidates[c] = count == kept.length ? kept : Arrays.copyOf(kept, count);
            startBins[c] = count == kept.length ? starts : Arrays.copyOf(starts, count);
            endBins[c] = count == kept.length ? ends : Arrays.copyOf(ends, count);
        }
    }

    /**
     * One E-step with the model as it stands: every child's pick, in {@code choices}. The children are
     * decided together, the surest first (by their best candidate's share when each is scored alone, then
     * id): a candidate is scored as its kind's next child, so a parent that already has as many children
     * of a kind as its kind usually has is less likely to get one more, and identical siblings of two
     * concurrent parents are shared out instead of all going to one.
     *
     * @return per child, the posterior over its candidates (null without candidates)
     */
    double[][] decide(HostModel model, CallerModels.Choice[] choices) {
        HostModel.Terms[][] terms = new HostModel.Terms[calleeNames.length][callerNames.length];
        double[] sureness = new double[children.size()];
        // per child, each candidate's share when scored alone
        double[][] aloneOf = new double[children.size()][];
        for (int c = 0; c < children.size(); c++) {
            int[] cands = candidates[c];
            HostModel.Terms[] ofCallee = terms[calleeOf[c]];
            double[] alone = new double[cands.length];
            for (int i = 0; i < cands.length; i++) {
                int a = callerOf[cands[i]];
                HostModel.Terms kind = ofCallee[a];
                if (kind == null) {
                    kind = model.terms(callerNames[a], calleeNames[calleeOf[c]]);
                    ofCallee[a] = kind;
                }
                alone[i] = kind.score(startBins[c][i], endBins[c][i], 0);
            }
            toShares(alone);
            aloneOf[c] = alone;
            double surest = 0;
            for (double share : aloneOf[c]) {
                surest = Math.max(surest, share);
            }
            sureness[c] = surest;
        }
        Integer[] order = new Integer[children.size()];
        int[] idRank = new int[children.size()];
        for (int rank = 0; rank < childOrder.length; rank++) {
            idRank[childOrder[rank]] = rank;
            order[rank] = childOrder[rank];
        }
        Arrays.sort(order, (x, y) -> sureness[x] != sureness[y] ? Double.compare(sureness[y], sureness[x]) : Integer.compare(idRank[x], idRank[y]));
        // per parent and callee: the children of that kind given to the parent so far in this bucket (null
        // while it has none)
        int[][] given = new int[parents.size()][];
        double[][] posteriors = new double[children.size()][];
        int[] pickOf = new int[children.size()];
        for (int c : order) {
            pickOf[c] = candidates[c].length == 0 ? -1 : pick(c, terms, given, aloneOf[c], posteriors);
            if (pickOf[c] >= 0) {
                int parent = candidates[c][pickOf[c]];
                if (given[parent] == null) {
                    given[parent] = new int[calleeNames.length];
                }
                given[parent][calleeOf[c]]++;
            }
        }
        for (int c = 0; c < children.size(); c++) {
            if (pickOf[c] < 0) {
                choices[c] = CallerModels.Choice.NONE;
                continue;
            }
            // the confidence is the pick's share scored alone: given the children before it, a sibling's parent
            // may be all but certain, but only as certain as those earlier picks were
            double confidence = Math.min(posteriors[c][pickOf[c]], aloneOf[c][pickOf[c]]);
            choices[c] = new CallerModels.Choice(candidates[c][pickOf[c]], Math.round(confidence * 10_000) / 10_000.0);
        }
        return posteriors;
    }

    /**
     * Child {@code c}'s pick (an index into its candidates) given the children its candidates were given:
     * the shares alone, moved only for candidates already given children (most are not), reweighed by
     * their kind's factor, a multiplication, no exp. Its posterior goes into {@code posteriors}.
     */
    private int pick(int c, HostModel.Terms[][] terms, int[][] given, double[] alone, double[][] posteriors) {
        int[] cands = candidates[c];
        int x = calleeOf[c];
        double[] weights = alone;
        double total = 1;
        HostModel.Terms[] ofCallee = terms[x];
        for (int i = 0; i < cands.length; i++) {
            int[] slots = given[cands[i]];
            // another of this kind: the fan-out; a first of this kind beside children of other kinds: the companion
            double factor = slots == null ? 1 : slots[x] > 0 ? ofCallee[callerOf[cands[i]]].slotFactor(slots[x]) : ofCallee[callerOf[cands[i]]].companionFactor;
            if (factor != 1) {
                if (weights == alone) {
                    weights = alone.clone();
                }
                weights[i] = alone[i] * factor;
                total += weights[i] - alone[i];
            }
        }
        int best = 0;
        for (int i = 1; i < cands.length; i++) {
            // the larger share wins; on a tie the tighter parent, then the one given first
            if (weights[i] > weights[best]
                    || (weights[i] == weights[best] && parents.get(cands[i]).getLatencyMsec() < parents.get(cands[best]).getLatencyMsec())) {
                best = i;
            }
        }
        if (weights != alone) {
            for (int i = 0; i < weights.length; i++) {
                weights[i] /= total;
            }
        }
        posteriors[c] = weights;
        return best;
    }

    /** Turns {@code scores} into their softmax, in place. */
    private static void toShares(double[] scores) {
        double max = Double.NEGATIVE_INFINITY;
        for (double score : scores) {
            max = Math.max(max, score);
        }
        double sum = 0;
        for (int i = 0; i < scores.length; i++) {
            scores[i] = Math.exp(scores[i] - max);
            sum += scores[i];
        }
        for (int i = 0; i < scores.length; i++) {
            scores[i] /= sum;
        }
    }

    /**
     * Teaches the model each counted parent's fan-out: per kind its callers' parents have, how many
     * children of that kind were picked for it here (0 for a kind it got none of).
     */
    void learnFanOut(HostModel model, CallerModels.Choice[] choices, boolean[] countParent) {
        int[][] picked = new int[parents.size()][calleeNames.length];
        for (int c = 0; c < choices.length; c++) {
            if (choices[c].parentIndex >= 0) {
                picked[choices[c].parentIndex][calleeOf[c]]++;
            }
        }
        Map<String, Integer> calleeIndex = index(calleeNames);
        for (int p = 0; p < parents.size(); p++) {
            if (!countParent[p]) {
                continue;
            }
            String caller = callerNames[callerOf[p]];
            int all = 0;
            for (int x = 0; x < calleeNames.length; x++) {
                all += picked[p][x];
            }
            for (String callee : model.calleesOf(caller)) {
                Integer x = calleeIndex.get(callee);
                int ofThis = x == null ? 0 : picked[p][x];
                model.learnFanOut(caller, callee, ofThis);
                if (all > ofThis) {
                    model.learnWithOthers(caller, callee, ofThis > 0);
                }
            }
        }
    }

    /**
     * Adds (sign 1) or takes back (sign -1) an E-step's posterior-weighted pairs: summed per kind over the
     * children in id order, then one update per kind, kinds in name order.
     */
    void learn(HostModel model, double[][] posteriors, int sign, KindBudget budget) {
        double[][][] sums = new double[calleeNames.length][callerNames.length][];
        for (int c : childOrder) {
            double[] posterior = posteriors[c];
            if (posterior == null) {
                continue;
            }
            double[][] ofCallee = sums[calleeOf[c]];
            int[] cands = candidates[c];
            for (int i = 0; i < cands.length; i++) {
                int a = callerOf[cands[i]];
                double[] sum = ofCallee[a];
                if (sum == null) {
                    sum = new double[1 + 2 * TimingBins.COUNT];
                    ofCallee[a] = sum;
                }
                double weight = posterior[i];
                sum[0] += weight;
                sum[1 + startBins[c][i]] += weight;
                sum[1 + TimingBins.COUNT + endBins[c][i]] += weight;
            }
        }
        for (int x = 0; x < calleeNames.length; x++) {
            for (int a = 0; a < callerNames.length; a++) {
                if (sums[x][a] != null) {
                    model.learnKind(callerNames[a], calleeNames[x], sums[x][a], sign, budget);
                }
            }
        }
    }

    private static String[] distinct(List<Call> calls, boolean callers) {
        TreeSet<String> names = new TreeSet<>();
        for (Call call : calls) {
            names.add(callers ? call.getSrcIp() : call.getDstIp());
        }
        return names.toArray(new String[0]);
    }

    private static Map<String, Integer> index(String[] names) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < names.length; i++) {
            index.put(names[i], i);
        }
        return index;
    }
}
