package io.callstitch.match.caller;

import java.io.Serializable;

/** How the caller model learns and how much it may hold: see {@link HostModel}. */
public final class ModelSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Event time after which what the model learned counts half. */
    public final long halfLifeMs;
    /** Most (caller, callee) kinds one subtask's models hold in all; beyond it new kinds are not learned. */
    public final int maxKinds;
    /** How far (ms) a caller's interval may miss its child's and still be a candidate; {@link #AUTO}: per host, from the data. */
    public final int toleranceMs;
    /** Whether per-host-pair clock offsets are estimated (and used) for the best parent. */
    public final boolean clockOffsets;
    /** Whether best parents are picked at all (off: the rule's lists only, and no model state). */
    public final boolean enabled;

    /** {@link #toleranceMs} estimated per host. */
    public static final int AUTO = -1;
    /** The widest tolerance the estimate may choose. */
    public static final int MAX_AUTO_TOLERANCE_MS = 3;

    public ModelSettings(long halfLifeMs, int maxKinds, int toleranceMs) {
        this(halfLifeMs, maxKinds, toleranceMs, false);
    }

    public ModelSettings(long halfLifeMs, int maxKinds, int toleranceMs, boolean clockOffsets) {
        this(halfLifeMs, maxKinds, toleranceMs, clockOffsets, true);
    }

    public ModelSettings(long halfLifeMs, int maxKinds, int toleranceMs, boolean clockOffsets, boolean enabled) {
        if (halfLifeMs < 1 || maxKinds < 1 || toleranceMs < AUTO) {
            throw new IllegalArgumentException("half-life and the most kinds must be positive, the tolerance auto or at least 0");
        }
        this.halfLifeMs = halfLifeMs;
        this.maxKinds = maxKinds;
        this.toleranceMs = toleranceMs;
        this.clockOffsets = clockOffsets;
        this.enabled = enabled;
    }

    /** How far job-match widens parents when it looks for candidates: enough for any tolerance chosen. */
    public int slackMs() {
        if (!enabled) {
            return 0;
        }
        return toleranceMs == AUTO ? MAX_AUTO_TOLERANCE_MS : toleranceMs;
    }
}
