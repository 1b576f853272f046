package io.callstitch.match.caller;

/** The kinds one subtask's models may still add: bounds the model's state whatever the input's ips. */
final class KindBudget {
    private final int max;
    private int used;
    private long refused;

    KindBudget(int max) {
        this.max = max;
    }

    boolean take() {
        if (used >= max) {
            refused++;
            return false;
        }
        used++;
        return true;
    }

    void give(int kinds) {
        used -= kinds;
    }

    int used() {
        return used;
    }

    long refused() {
        return refused;
    }
}
