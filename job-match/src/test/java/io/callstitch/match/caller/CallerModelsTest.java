package io.callstitch.match.caller;

import static io.callstitch.match.Fixtures.call;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import io.callstitch.match.ContainmentMatcher;
import io.callstitch.schema.Call;
import org.junit.jupiter.api.Test;

class CallerModelsTest {
    private static final String HOST = "10.0.0.2";
    private static final ModelSettings SETTINGS = new ModelSettings(600_000, 20_000, 0);

    /**
     * One second of host 10.0.0.2: calls from 10.0.0.1 that each call 10.0.0.3 1-2 ms after they start,
     * for 5-10 ms; among them short calls from 10.0.0.9 that call nothing, placed at random, which often
     * contain a child more tightly than its real caller does.
     */
    private static final class Bucket {
        final List<Call> parents = new ArrayList<>();
        final List<Call> children = new ArrayList<>();
        final List<String> truth = new ArrayList<>();

        Bucket(Random random, long second, int requests, int noise) {
            long from = second * 1000;
            for (int r = 0; r < requests; r++) {
                long start = from + random.nextInt(900);
                long latency = 40 + random.nextInt(160);
                Call parent = call("p" + second + "-" + r, "10.0.0.1", HOST, start, start + latency);
                long childStart = start + 1 + random.nextInt(2);
                Call child = call("c" + second + "-" + r, HOST, "10.0.0.3", childStart, childStart + 5 + random.nextInt(6));
                parents.add(parent);
                children.add(child);
                truth.add(parent.getId());
            }
            for (int n = 0; n < noise; n++) {
                long start = from + random.nextInt(950);
                parents.add(call("n" + second + "-" + n, "10.0.0.9", HOST, start, start + 12 + random.nextInt(20)));
            }
        }

        List<int[]> candidates() {
            List<List<Integer>> lists = new ArrayList<>();
            for (int c = 0; c < children.size(); c++) {
                lists.add(new ArrayList<>());
            }
            ContainmentMatcher.match(parents, children, (p, c) -> lists.get(c).add(p));
            List<int[]> arrays = new ArrayList<>();
            for (List<Integer> list : lists) {
                arrays.add(list.stream().mapToInt(Integer::intValue).toArray());
            }
            return arrays;
        }

        boolean[] everyParentCounted() {
            boolean[] counted = new boolean[parents.size()];
            java.util.Arrays.fill(counted, true);
            return counted;
        }

        CallerModels.Choice[] decide(CallerModels models) {
            return models.decideAndLearn(HOST, children.isEmpty() ? 0 : children.get(0).getStartAtMs() / 1000 * 1000 + 21_000,
                    parents, children, candidates(), everyParentCounted());
        }

        /** How many picks are the real caller; ties of the tightest parent broken by id. */
        int right(CallerModels.Choice[] choices) {
            int right = 0;
            for (int c = 0; c < choices.length; c++) {
                right += choices[c].parentIndex >= 0 && parents.get(choices[c].parentIndex).getId().equals(truth.get(c)) ? 1 : 0;
            }
            return right;
        }

        int tightestRight() {
            List<int[]> candidates = candidates();
            int right = 0;
            for (int c = 0; c < children.size(); c++) {
                Call tightest = null;
                for (int p : candidates.get(c)) {
                    Call parent = parents.get(p);
                    if (tightest == null || parent.getLatencyMsec() < tightest.getLatencyMsec()) {
                        tightest = parent;
                    }
                }
                right += tightest != null && tightest.getId().equals(truth.get(c)) ? 1 : 0;
            }
            return right;
        }
    }

    @Test
    void learnsTheRealCallerFromTimingAloneAndBeatsTheTightestParent() {
        Random random = new Random(11);
        CallerModels models = new CallerModels(SETTINGS);
        for (int second = 0; second < 30; second++) {
            new Bucket(random, second, 20, 40).decide(models);
        }
        int right = 0;
        int tightestRight = 0;
        int children = 0;
        double confidence = 0;
        for (int second = 30; second < 60; second++) {
            Bucket bucket = new Bucket(random, second, 20, 40);
            CallerModels.Choice[] choices = bucket.decide(models);
            right += bucket.right(choices);
            tightestRight += bucket.tightestRight();
            children += bucket.children.size();
            for (CallerModels.Choice choice : choices) {
                confidence += choice.confidence;
            }
        }
        double accuracy = (double) right / children;
        assertTrue(accuracy > 0.97, "best parent right: " + accuracy);
        assertTrue(right > tightestRight + children / 10, "model " + right + " against tightest " + tightestRight + " of " + children);
        double meanConfidence = confidence / children;
        assertTrue(Math.abs(meanConfidence - accuracy) < 0.05, "mean confidence " + meanConfidence + " against accuracy " + accuracy);
    }

    @Test
    void theAnswerDoesNotDependOnTheOrderRecordsArrivedIn() {
        Random random = new Random(5);
        List<Bucket> buckets = new ArrayList<>();
        for (int second = 0; second < 10; second++) {
            buckets.add(new Bucket(random, second, 15, 30));
        }
        CallerModels inOrder = new CallerModels(SETTINGS);
        CallerModels shuffled = new CallerModels(SETTINGS);
        for (Bucket bucket : buckets) {
            List<String> expected = picks(bucket, bucket.decide(inOrder));
            Bucket copy = shuffledCopy(bucket, new Random(bucket.parents.size()));
            List<String> actual = picks(copy, copy.decide(shuffled));
            assertEquals(sortedPairs(bucket, expected), sortedPairs(copy, actual));
        }
        assertArrayEquals(inOrder.snapshot(), shuffled.snapshot());
    }

    @Test
    void aRestoredModelDecidesAsTheOriginalWould() {
        Random random = new Random(3);
        ModelSettings withOffsets = new ModelSettings(60_000, 20_000, ModelSettings.AUTO, true);
        CallerModels original = new CallerModels(withOffsets);
        for (int second = 0; second < 10; second++) {
            new Bucket(random, second, 15, 30).decide(original);
        }
        CallerModels restored = new CallerModels(withOffsets);
        restored.restore(List.of(original.snapshot()), ip -> true);
        assertArrayEquals(original.snapshot(), restored.snapshot());
        assertEquals(original.kinds(), restored.kinds());

        for (int second = 10; second < 40; second++) {
            Bucket next = new Bucket(random, second, 15, 30);
            assertEquals(picks(next, next.decide(original)), picks(next, next.decide(restored)), "second " + second);
        }
        assertArrayEquals(original.snapshot(), restored.snapshot(), "the same model to the last bit, buckets later");
    }

    @Test
    void aRestoreKeepsTheHostsKeyedToThisSubtaskEachWhole() {
        Random random = new Random(5);
        CallerModels original = new CallerModels(SETTINGS);
        for (int second = 0; second < 10; second++) {
            new Bucket(random, second, 15, 30).decide(original);
        }
        List<byte[]> copies = List.of(new CallerModels(SETTINGS).snapshot(), original.snapshot());
        CallerModels owner = new CallerModels(SETTINGS);
        owner.restore(copies, HOST::equals);
        CallerModels other = new CallerModels(SETTINGS);
        other.restore(copies, ip -> !ip.equals(HOST));
        assertArrayEquals(original.snapshot(), owner.snapshot(), "the host whole, as it was learned");
        assertEquals(0, other.hosts(), "a host has one home");
        assertEquals(0, other.kinds());
    }

    /** State of the format before each host had one home: a host in several copies. */
    @Test
    void copiesMergedAfterARescaleKeepWhatTheyLearned() {
        Random random = new Random(8);
        CallerModels first = new CallerModels(SETTINGS);
        CallerModels second = new CallerModels(SETTINGS);
        for (int s = 0; s < 20; s++) {
            new Bucket(random, s, 15, 30).decide(s % 2 == 0 ? first : second);
        }
        CallerModels merged = new CallerModels(SETTINGS);
        merged.restore(List.of(first.snapshot(), second.snapshot()), ip -> true);
        assertEquals(2, merged.kinds(), "one kind from each caller of the host");

        int right = 0;
        int children = 0;
        for (int s = 20; s < 30; s++) {
            Bucket bucket = new Bucket(random, s, 15, 30);
            right += bucket.right(bucket.decide(merged));
            children += bucket.children.size();
        }
        assertTrue(right > 0.95 * children, right + " of " + children);
    }

    @Test
    void identicalSiblingsOfTwoConcurrentParentsAreSharedOutWhenParentsHaveOneChildEach() {
        Random random = new Random(13);
        CallerModels models = new CallerModels(SETTINGS);
        for (int second = 0; second < 30; second++) {
            // every call from 10.0.0.1 has exactly one child: the model learns that fan-out
            new Bucket(random, second, 20, 40).decide(models);
        }
        // two concurrent requests, identical to the ms, each calling 10.0.0.3 once at the same time
        List<Call> parents = List.of(call("p1", "10.0.0.1", HOST, 31_100, 31_200), call("p2", "10.0.0.1", HOST, 31_100, 31_200));
        List<Call> children = List.of(call("c1", HOST, "10.0.0.3", 31_101, 31_108), call("c2", HOST, "10.0.0.3", 31_101, 31_108));
        List<int[]> candidates = new ArrayList<>(List.of(new int[] {0, 1}, new int[] {0, 1}));
        CallerModels.Choice[] choices = models.decideAndLearn(HOST, 52_000, parents, children, candidates, new boolean[] {true, true});

        // scored one by one both would go to the same parent (a tie, broken alike); together, one each
        assertTrue(choices[0].parentIndex >= 0 && choices[1].parentIndex >= 0);
        assertTrue(choices[0].parentIndex != choices[1].parentIndex, "both children given to parent " + choices[0].parentIndex);
        // which child went to which parent is a coin toss, and the confidences say so: the second pick is
        // only as sure as the first
        assertEquals(0.5, choices[0].confidence, 0.05);
        assertEquals(0.5, choices[1].confidence, 0.05);
    }

    /**
     * Host 10.0.0.2 as the media app's shared services are: most calls into it call nothing, and those that
     * call out call 10.0.0.3 and 10.0.0.6 together, one each. A parent given its call to 10.0.0.3 is then
     * all but sure to be the one that made the call to 10.0.0.6 beside it, though timing alone ties it with
     * a concurrent parent that made no calls (and gives the tie to the tighter one).
     */
    @Test
    void aParentWithOneChildOfItsUsualSetWinsTheOthersOfTheSet() {
        CallerModels models = new CallerModels(SETTINGS);
        for (int second = 0; second < 30; second++) {
            List<Call> parents = new ArrayList<>();
            List<Call> children = new ArrayList<>();
            for (int r = 0; r < 50; r++) {
                long start = second * 1000L + 20 * r;
                parents.add(call("p" + second + "-" + r, "10.0.0.1", HOST, start, start + 10));
                if (r % 5 == 0) {
                    // the children start 1 or 2 ms after their parent, as often one as the other
                    long childStart = start + 1 + r / 5 % 2;
                    children.add(call("x" + second + "-" + r, HOST, "10.0.0.3", childStart, childStart + 3));
                    children.add(call("y" + second + "-" + r, HOST, "10.0.0.6", childStart, childStart + 3));
                }
            }
            Bucket bucket = new Bucket(new Random(0), 0, 0, 0);
            bucket.parents.addAll(parents);
            bucket.children.addAll(children);
            bucket.decide(models);
        }
        // p1 alone contains the call to 10.0.0.3; both contain the call to 10.0.0.6, 2 ms after p1's start
        // and 1 ms after p2's, and p2 is the tighter
        List<Call> parents = List.of(call("p1", "10.0.0.1", HOST, 31_100, 31_110), call("p2", "10.0.0.1", HOST, 31_101, 31_110));
        List<Call> children = List.of(call("x", HOST, "10.0.0.3", 31_100, 31_103), call("y", HOST, "10.0.0.6", 31_102, 31_105));
        List<int[]> candidates = new ArrayList<>(List.of(new int[] {0}, new int[] {0, 1}));
        CallerModels.Choice[] choices = models.decideAndLearn(HOST, 52_000, parents, children, candidates, new boolean[] {true, true});

        assertEquals(0, choices[0].parentIndex);
        assertEquals(0, choices[1].parentIndex, "the call to 10.0.0.6 goes with its sibling to p1");
        // the confidence is the share scored alone, where the two parents tie
        assertEquals(0.5, choices[1].confidence, 0.05);
    }

    @Test
    void aChildWithoutCandidatesHasNoBestParent() {
        CallerModels models = new CallerModels(SETTINGS);
        List<Call> children = List.of(call("root", "198.51.100.1", HOST, 1000, 1100));
        List<int[]> candidates = new ArrayList<>(List.of(new int[0]));
        CallerModels.Choice[] choices = models.decideAndLearn(HOST, 22_000, List.of(), children, candidates, new boolean[0]);

        assertEquals(-1, choices[0].parentIndex);
    }

    @Test
    void theModelStaysWithinItsBudgetOfKinds() {
        CallerModels models = new CallerModels(new ModelSettings(600_000, 10, 0));
        for (int i = 0; i < 50; i++) {
            // a flood of callers the host has never seen: one new kind each
            Call parent = call("p" + i, "10.1.0." + i, HOST, 1000L * i, 1000L * i + 100);
            Call child = call("c" + i, HOST, "10.0.0.3", 1000L * i + 1, 1000L * i + 50);
            CallerModels.Choice[] choices = models.decideAndLearn(HOST, 1000L * i + 21_000, List.of(parent), List.of(child),
                    new ArrayList<>(List.of(new int[] {0})), new boolean[] {true});
            assertEquals(0, choices[0].parentIndex, "a kind it cannot learn still gets its pick");
        }
        assertEquals(10, models.kinds());
        assertTrue(models.refusedKinds() >= 40, "every new kind past the budget is refused: " + models.refusedKinds());
    }

    @Test
    void whatHasDecayedAwayIsForgotten() {
        CallerModels models = new CallerModels(new ModelSettings(1_000, 20_000, 0));
        Call parent = call("p", "10.0.0.1", HOST, 0, 100);
        Call child = call("c", HOST, "10.0.0.3", 1, 50);
        models.decideAndLearn(HOST, 0, List.of(parent), List.of(child), new ArrayList<>(List.of(new int[] {0})), new boolean[] {true});
        assertEquals(1, models.kinds());

        for (long t = 1_000; t <= 20_000; t += 1_000) {
            models.decideAndLearn(HOST, t, List.of(), List.of(), new ArrayList<>(), new boolean[0]);
        }
        assertEquals(0, models.kinds(), "twenty half-lives later the kind weighs under 0.01 children");
    }

    private static List<String> picks(Bucket bucket, CallerModels.Choice[] choices) {
        List<String> picks = new ArrayList<>();
        for (CallerModels.Choice choice : choices) {
            picks.add(choice.parentIndex < 0 ? null : bucket.parents.get(choice.parentIndex).getId() + "@" + choice.confidence);
        }
        return picks;
    }

    private static List<String> sortedPairs(Bucket bucket, List<String> picks) {
        List<String> pairs = new ArrayList<>();
        for (int c = 0; c < picks.size(); c++) {
            pairs.add(bucket.children.get(c).getId() + "<-" + picks.get(c));
        }
        Collections.sort(pairs);
        return pairs;
    }

    private static Bucket shuffledCopy(Bucket bucket, Random random) {
        Bucket copy = new Bucket(new Random(0), 0, 0, 0);
        List<Integer> order = new ArrayList<>();
        for (int c = 0; c < bucket.children.size(); c++) {
            order.add(c);
        }
        Collections.shuffle(order, random);
        for (int c : order) {
            copy.children.add(bucket.children.get(c));
            copy.truth.add(bucket.truth.get(c));
        }
        copy.parents.addAll(bucket.parents);
        Collections.shuffle(copy.parents, random);
        return copy;
    }
}
