package io.kuaxin.cli;

import java.io.PrintStream;

/**
 * A one-line progress bar on stderr: redrawn in place on a terminal; elsewhere (logs, CI) printed at each tenth so
 * long runs stay readable.
 */
final class Progress {
    private final PrintStream err = System.err;
    private final String label;
    private final int steps;
    private final boolean tty = System.console() != null;
    private int done, lastTenth = -1;

    Progress(String label, int steps) {
        this.label = label;
        this.steps = Math.max(1, steps);
    }

    /** One more step done. */
    void step(String what) { update(done + 1, what); }

    /** {@code n} steps done. */
    void update(int n, String what) {
        done = Math.min(steps, n);
        int width = 30, filled = width * done / steps;
        String bar = "[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + steps + " " + what;
        if (tty) {
            err.print("\r" + label + " " + bar + " ".repeat(Math.max(0, 24 - what.length())));
            if (done == steps) err.println();
        } else {
            int tenth = done * 10 / steps;
            if (steps <= 20 || tenth != lastTenth || done == steps) err.println(label + " " + bar);
            lastTenth = tenth;
        }
        err.flush();
    }
}
