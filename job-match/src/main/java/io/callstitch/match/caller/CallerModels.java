package io.callstitch.match.caller;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import io.callstitch.match.ContainmentMatcher;
import io.callstitch.schema.Call;

/**
 * The best parent of each call, from timing alone: one {@link HostModel} per host whose ip is keyed to
 * this subtask of job-match, learned from the stream itself.
 *
 * <p>A child's best parent is decided when its bucket closes, together with its rule parents: all its
 * candidates are there, so the choice adds no latency. The children of one bucket are decided with the
 * model as it stood before the bucket, then teach it in id order: the answer depends only on the host's
 * buckets before it, in bucket order, never on the order records arrived in nor on the parallelism.
 *
 * <p>State: the models, bounded by {@link ModelSettings#maxKinds} kinds (about 1 KB each) whatever the
 * rate; kinds that decay to nothing are dropped.
 */
public final class CallerModels {
    /** A kind whose weight has decayed below this many children is forgotten. */
    private static final double FORGET_BELOW = 0.01;
    /** EM rounds inside a bucket while the host's model has learned from fewer than {@link #WARM_UP_CHILDREN}. */
    private static final int WARM_UP_ROUNDS = 4;
    private static final double WARM_UP_CHILDREN = 2000;
    private static final int WARM_UP_BUCKET_CHILDREN = 20;
    /** The snapshot's format: 2 added each kind's fan-out, 3 the parents with children of other kinds. */
    private static final int FORMAT = 3;
    /** Nearby pairs one bucket may vote with for clock offsets. */
    private static final int OFFSET_PAIRS_PER_BUCKET = 5000;

    /** The best parent of one child: an index into the bucket's parents, or -1 for none. */
    public static final class Choice {
        public static final Choice NONE = new Choice(-1, 0);

        public final int parentIndex;
        /** The posterior of the pick among the candidates, rounded to 4 decimals. */
        public final double confidence;

        Choice(int parentIndex, double confidence) {
            this.parentIndex = parentIndex;
            this.confidence = confidence;
        }
    }

    private final ModelSettings settings;
    private final KindBudget budget;
    private final Map<String, HostModel> hosts = new TreeMap<>();
    private final Map<String, Integer> toleranceOf = new HashMap<>();
    private final Map<String, Integer> offsetCallersOf = new HashMap<>();
    // read by the metric gauges from another thread, like hostsAtTolerance
    private volatile int callersWithOffset;
    private volatile int widestOffset;
    // read by the metric gauges from another thread: counts only, never the maps
    private final int[] hostsAtTolerance;

    public CallerModels(ModelSettings settings) {
        this.settings = settings;
        this.budget = new KindBudget(settings.maxKinds);
        this.hostsAtTolerance = new int[Math.max(settings.slackMs(), 0) + 1];
    }

    public int hosts() {
        return hosts.size();
    }

    public int kinds() {
        return budget.used();
    }

    /** Times a new kind was not learned because the budget was full (a kind refused in several EM rounds counts each time). */
    public long refusedKinds() {
        return budget.refused();
    }

    /**
     * Decides the best parent of every child of one closed bucket of host {@code ip}, then learns from them.
     *
     * @param closedAtMs the bucket's close time (event time): what the model's decay counts from
     * @param candidatesOf for each child, the indexes of its candidate parents
     * @param countParent for each parent, whether this bucket is the one that counts it (its first)
     */
    public Choice[] decideAndLearn(String ip, long closedAtMs, List<Call> parents, List<Call> children,
            List<int[]> candidatesOf, boolean[] countParent) {
        HostModel model = hosts.computeIfAbsent(ip, b -> new HostModel());
        model.decayTo(closedAtMs, settings.halfLifeMs);
        int tolerance = settings.toleranceMs == ModelSettings.AUTO ? model.tolerance() : settings.toleranceMs;
        noteTolerance(ip, tolerance);
        noteOffsets(ip, model);
        BucketDecision bucket = new BucketDecision(model, parents, children, candidatesOf, tolerance, settings.clockOffsets);
        learnParents(model, parents, countParent);
        Choice[] choices = new Choice[children.size()];
        double[][] posteriors = bucket.decide(model, choices);
        // while the host's model is young, a few EM rounds inside the bucket: the bucket teaches itself
        // before its answers are final, so the first seconds of a host are not decided on priors alone;
        // never on a handful of children, which would only learn to agree with themselves
        boolean warmUp = model.children() < WARM_UP_CHILDREN && children.size() >= WARM_UP_BUCKET_CHILDREN;
        for (int round = 1; warmUp && round < WARM_UP_ROUNDS; round++) {
            bucket.learn(model, posteriors, 1, budget);
            double[][] next = bucket.decide(model, choices);
            bucket.learn(model, posteriors, -1, budget);
            posteriors = next;
        }
        bucket.learn(model, posteriors, 1, budget);
        bucket.learnFanOut(model, choices, countParent);
        for (int c = 0; c < children.size(); c++) {
            candidatesOf.set(c, bucket.candidates[c]);
        }
        if (settings.clockOffsets) {
            voteOffsets(model, parents, children, idOrder(children), bucket.candidates);
        }
        model.forgetFadedAt(closedAtMs, settings.halfLifeMs, FORGET_BELOW, budget);
        return choices;
    }

    /**
     * How far job-match must widen the parents of host {@code ip} when it looks for candidates: the
     * widest tolerance, plus the widest clock offset estimated against any caller of the host.
     */
    public int slackFor(String ip) {
        HostModel model = hosts.get(ip);
        return settings.slackMs() + (settings.clockOffsets && model != null ? model.widestOffset() : 0);
    }

    /**
     * Votes for the clock offsets of this host against its callers, from the nearby pairs (within
     * +-{@link ClockOffsets#MAX_MS}) of the bucket's children, in id order, up to a budget of pairs per
     * bucket, so a hot key costs a bounded amount.
     */
    private static void voteOffsets(HostModel model, List<Call> parents, List<Call> children, int[] byId, int[][] candidates) {
        // the children in id order up to about the budget (judged by their candidates), so a hot key does
        // not look for every nearby pair of its children only to vote with a few thousand
        List<Call> inIdOrder = new ArrayList<>();
        long expected = 0;
        for (int c : byId) {
            if (expected >= OFFSET_PAIRS_PER_BUCKET) {
                break;
            }
            inIdOrder.add(children.get(c));
            expected += 1 + candidates[c].length;
        }
        // per child, its nearby parents as the matcher gives them (end time, then id): the votes add up alike;
        // ints in arrays that grow, not boxed in lists (this runs for every bucket of every host)
        int[][] near = new int[inIdOrder.size()][];
        int[] nearCount = new int[inIdOrder.size()];
        ContainmentMatcher.match(parents, inIdOrder, ClockOffsets.MAX_MS, (p, c) -> {
            int[] of = near[c];
            if (of == null) {
                of = new int[4];
                near[c] = of;
            } else if (nearCount[c] == of.length) {
                of = Arrays.copyOf(of, of.length * 2);
                near[c] = of;
            }
            of[nearCount[c]++] = p;
        });
        // per caller: the bucket's votes as a difference array, and the children that voted
        Map<String, int[]> votes = new HashMap<>();
        Map<String, int[]> voters = new HashMap<>();
        Set<String> callers = new HashSet<>();
        int budget = OFFSET_PAIRS_PER_BUCKET;
        for (int c = 0; c < inIdOrder.size() && budget > 0; c++) {
            Call child = inIdOrder.get(c);
            callers.clear();
            for (int i = 0; i < nearCount[c]; i++) {
                Call parent = parents.get(near[c][i]);
                String caller = parent.getSrcIp();
                ClockOffsets.voteInto(votes.computeIfAbsent(caller, a -> new int[ClockOffsets.SLOTS + 1]), child.getStartAtMs(),
                        child.getEndAtMs(), parent.getStartAtMs(), parent.getEndAtMs());
                if (callers.add(caller)) {
                    voters.computeIfAbsent(caller, a -> new int[1])[0]++;
                }
                budget--;
            }
        }
        for (String caller : new TreeSet<>(votes.keySet())) {
            model.voteOffsets(caller, votes.get(caller), voters.get(caller)[0]);
        }
    }

    private void noteOffsets(String ip, HostModel model) {
        if (!settings.clockOffsets) {
            return;
        }
        model.offset("");
        budget.give(model.takeReleasedKinds());
        Integer before = offsetCallersOf.put(ip, model.callersWithOffset());
        callersWithOffset += model.callersWithOffset() - (before == null ? 0 : before);
        widestOffset = Math.max(widestOffset, model.widestOffset());
    }

    /** Caller hosts whose clock offset against a callee host is estimated other than 0. */
    public int callersWithOffset() {
        return callersWithOffset;
    }

    /** The widest clock offset estimated so far (ms, either way). */
    public int widestOffset() {
        return widestOffset;
    }

    private void noteTolerance(String ip, int tolerance) {
        Integer before = toleranceOf.put(ip, tolerance);
        if (before == null || before != tolerance) {
            if (before != null) {
                hostsAtTolerance[before]--;
            }
            hostsAtTolerance[tolerance]++;
        }
    }

    /** The widest tolerance any host uses now (ms). */
    public int widestTolerance() {
        for (int t = hostsAtTolerance.length - 1; t > 0; t--) {
            if (hostsAtTolerance[t] > 0) {
                return t;
            }
        }
        return 0;
    }

    /** Hosts whose children are matched with a tolerance above 0. */
    public int hostsWithTolerance() {
        int hosts = 0;
        for (int t = 1; t < hostsAtTolerance.length; t++) {
            hosts += hostsAtTolerance[t];
        }
        return hosts;
    }

    private static void learnParents(HostModel model, List<Call> parents, boolean[] countParent) {
        List<String> counted = new ArrayList<>();
        for (int p = 0; p < parents.size(); p++) {
            if (countParent[p]) {
                counted.add(parents.get(p).getSrcIp());
            }
        }
        counted.sort(null);
        for (String caller : counted) {
            model.learnParent(caller);
        }
    }

    /** The indexes of {@code calls} in id order: the order a bucket's calls are learned from and written in. */
    public static int[] idOrder(List<Call> calls) {
        Integer[] byId = new Integer[calls.size()];
        for (int i = 0; i < byId.length; i++) {
            byId[i] = i;
        }
        Arrays.sort(byId, (a, b) -> calls.get(a).getId().compareTo(calls.get(b).getId()));
        int[] order = new int[byId.length];
        for (int i = 0; i < byId.length; i++) {
            order[i] = byId[i];
        }
        return order;
    }

    /** The models as bytes, for operator state. */
    public byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            // a negative first int is the format (format 1 began with the host count)
            out.writeInt(-FORMAT);
            out.writeInt(hosts.size());
            for (Map.Entry<String, HostModel> host : hosts.entrySet()) {
                out.writeUTF(host.getKey());
                host.getValue().write(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the caller models", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Adds snapshots to these (empty) models, keeping the hosts {@code owns} accepts: every subtask's copy
     * is handed to every subtask, and each host goes to the one subtask its ip is keyed to now, whole, at
     * the same or at any other parallelism. A host found in more than one copy (state of the format before
     * each host had one home) adds them up, each counting 1 / their number.
     */
    public void restore(List<byte[]> snapshots, Predicate<String> owns) {
        Map<String, Integer> copiesOf = new HashMap<>();
        for (byte[] snapshot : snapshots) {
            read(snapshot, (ip, in, format) -> {
                copiesOf.merge(ip, 1, Integer::sum);
                skip(in, format);
            });
        }
        for (byte[] snapshot : snapshots) {
            read(snapshot, (ip, in, format) -> {
                if (owns.test(ip)) {
                    hosts.computeIfAbsent(ip, b -> new HostModel()).addWritten(in, 1.0 / copiesOf.get(ip), budget, format);
                } else {
                    skip(in, format);
                }
            });
        }
    }

    /** Reads past one host's model. */
    private static void skip(DataInputStream in, int format) throws IOException {
        new HostModel().addWritten(in, 1, new KindBudget(Integer.MAX_VALUE), format);
    }

    @FunctionalInterface
    private interface HostReader {
        void host(String ip, DataInputStream in, int format) throws IOException;
    }

    private static void read(byte[] snapshot, HostReader reader) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            int first = in.readInt();
            int format = first < 0 ? -first : 1;
            if (format > FORMAT) {
                throw new IOException("caller models written in format " + format + ", newer than this job's " + FORMAT);
            }
            int count = first < 0 ? in.readInt() : first;
            for (int i = 0; i < count; i++) {
                reader.host(in.readUTF(), in, format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the caller models from state", e);
        }
    }
}
