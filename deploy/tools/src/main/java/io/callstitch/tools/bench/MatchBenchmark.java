package io.callstitch.tools.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import io.callstitch.common.EdgeRule;
import io.callstitch.match.ContainmentMatcher;
import io.callstitch.match.MatchOptions;
import io.callstitch.match.caller.CallerModels;
import io.callstitch.reference.BruteForce;
import io.callstitch.schema.Call;

/**
 * {@code deploy/local/bench-match}: the cost of matching one hot (ip, bucket) key, job-match's sweep
 * against testing every pair, on the same calls in the same run. Prints one table row per key size:
 * medians over repeated runs, and their ratio. Wall-clock medians on a shared machine: compare the
 * rows of one run, not numbers across machines.
 */
public final class MatchBenchmark {
    private static final int RUNS = 7;

    private MatchBenchmark() {}

    public static void main(String[] args) {
        int[] sizes = args.length > 0 ? Arrays.stream(args).mapToInt(Integer::parseInt).toArray() : new int[] {500, 2000, 8000, 32000};
        System.out.println("| latencies | calls per role in one key | edges found | sweep median ms | all pairs median ms | all pairs / sweep "
                + "| sweep and best parents median ms | with best parents / sweep |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (boolean tail : new boolean[] {false, true}) {
            for (int n : sizes) {
                row(tail, n);
            }
        }
    }

    private static void row(boolean tail, int n) {
        {
            List<Call> parents = calls(new Random(n), "p", n, tail);
            List<Call> children = calls(new Random(n + 1), "c", n, tail);
            long[] edges = new long[1];
            double sweep = median(() -> {
                edges[0] = 0;
                ContainmentMatcher.match(parents, children, (p, c) -> edges[0]++);
            });
            double pairs = median(() -> allPairs(parents, children));
            // what job-match does when the key closes: the widened sweep, the rule's lists, the best parents
            CallerModels models = new CallerModels(MatchOptions.defaultCallers());
            long[] ruleEdges = new long[1];
            double withModel = median(() -> ruleEdges[0] = bestParents(models, parents, children));
            if (ruleEdges[0] != edges[0]) {
                throw new IllegalStateException("the widened sweep kept " + ruleEdges[0] + " rule edges, the sweep found " + edges[0]);
            }
            System.out.printf("| %s | %d | %d | %.2f | %.2f | %.1fx | %.2f | %.2fx |%n", tail ? "90% < 300 ms, 10% to 20 s" : "all < 50 ms",
                    n, edges[0], sweep, pairs, pairs / sweep, withModel, withModel / sweep);
        }
    }

    /**
     * A gateway's calls in one 1 s bucket, starts spread over the bucket: either all short, or 90% under
     * 300 ms and the rest up to 20 s (a long call contains most of the bucket: edges abound).
     */
    private static List<Call> calls(Random random, String prefix, int count, boolean tail) {
        List<Call> calls = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long start = random.nextInt(1000);
            long latency = !tail ? random.nextInt(50) : random.nextInt(10) < 9 ? random.nextInt(300) : 300 + random.nextInt(19_700);
            calls.add(new Call(prefix + i, "10.0.0.1", "10.0.0.2", start, latency, start + latency));
        }
        return calls;
    }

    /** Returns the rule's edges among the widened candidates, which must be the sweep's. */
    private static long bestParents(CallerModels models, List<Call> parents, List<Call> children) {
        // as job-match holds them: a growable int array per child, no boxing
        int[][] candidates = new int[children.size()][];
        int[] sizes = new int[children.size()];
        for (int c = 0; c < children.size(); c++) {
            candidates[c] = new int[4];
        }
        ContainmentMatcher.match(parents, children, MatchOptions.defaultCallers().slackMs(), (p, c) -> {
            if (sizes[c] == candidates[c].length) {
                candidates[c] = Arrays.copyOf(candidates[c], sizes[c] * 2);
            }
            candidates[c][sizes[c]++] = p;
        });
        List<int[]> candidatesOf = new ArrayList<>(children.size());
        long rule = 0;
        for (int c = 0; c < children.size(); c++) {
            for (int i = 0; i < sizes[c]; i++) {
                rule += EdgeRule.contains(parents.get(candidates[c][i]), children.get(c)) ? 1 : 0;
            }
            candidatesOf.add(Arrays.copyOf(candidates[c], sizes[c]));
        }
        boolean[] counted = new boolean[parents.size()];
        Arrays.fill(counted, true);
        models.decideAndLearn("10.0.0.1", 21_000, parents, children, candidatesOf, counted);
        return rule;
    }

    private static long allPairs(List<Call> parents, List<Call> children) {
        long edges = 0;
        for (Call p : parents) {
            for (Call c : children) {
                if (BruteForce.containsInTime(p, c)) {
                    edges++;
                }
            }
        }
        return edges;
    }

    private static double median(Runnable work) {
        work.run();
        double[] ms = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            work.run();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        return ms[RUNS / 2];
    }
}
