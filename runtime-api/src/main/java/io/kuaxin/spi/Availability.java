package io.kuaxin.spi;

import java.util.List;

/**
 * What a {@link BackendProvider#probe()} found.
 *
 * @param available   whether devices can be opened
 * @param score       preference among available backends: higher wins; 0 when unavailable. Real accelerators
 *                    use {@link #SCORE_ACCELERATOR}, the CPU {@link #SCORE_CPU}, emulators {@link #SCORE_EMULATOR}
 * @param deviceCount logical devices the vendor runtime reports (after its visible-devices variable)
 * @param reason      one human line: why it is or is not available
 * @param details     what was looked for and where (library paths tried, symbols bound, versions)
 */
public record Availability(boolean available, int score, int deviceCount, String reason, List<String> details) {
    public static final int SCORE_ACCELERATOR = 100;
    public static final int SCORE_CPU = 10;
    public static final int SCORE_EMULATOR = 5;

    public Availability {
        details = List.copyOf(details);
    }

    public static Availability available(int score, int deviceCount, String reason, List<String> details) {
        return new Availability(true, score, deviceCount, reason, details);
    }

    public static Availability unavailable(String reason, List<String> details) {
        return new Availability(false, 0, 0, reason, details);
    }

    /** For a backend whose module exists but whose binding is not written yet. */
    public static Availability notImplemented() {
        return unavailable("not implemented yet", List.of());
    }
}
