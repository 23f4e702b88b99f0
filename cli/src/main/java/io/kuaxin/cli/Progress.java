package io.kuaxin.cli;

import java.io.PrintStream;

/** A one-line progress bar on stderr, redrawn in place on a terminal and printed once per step otherwise. */
final class Progress {
    private final PrintStream err = System.err;
    private final String label;
    private final int steps;
    private final boolean tty = System.console() != null;
    private int done;

    Progress(String label, int steps) {
        this.label = label;
        this.steps = steps;
    }

    void step(String what) {
        done = Math.min(steps, done + 1);
        int width = 30, filled = width * done / steps;
        String bar = "[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + steps + " " + what;
        if (tty) {
            err.print("\r" + label + " " + bar + " ".repeat(Math.max(0, 20 - what.length())));
            if (done == steps) err.println();
        } else {
            err.println(label + " " + bar);
        }
        err.flush();
    }
}
