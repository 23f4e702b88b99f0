/** The conformance TCK: cases run on a backend and on the fp64 oracle, and the support matrix they produce. */
module io.kuaxin.conformance {
    requires transitive io.kuaxin.kernels;
    requires static org.junit.jupiter.api; // only ConformanceSuite and ReliabilitySuite, for backend modules' tests
    requires static io.kuaxin.emulators;   // only ReliabilitySuite's fault campaign

    exports io.kuaxin.conformance;
}
