/**
 * The conformance TCK: cases run on a backend and on the fp64 oracle, and the support matrix they produce; and the
 * suites every backend's tests extend (reliability, runtime contract, library ops, discovery).
 */
module io.kuaxin.conformance {
    requires transitive io.kuaxin.kernels;
    requires static org.junit.jupiter.api; // only the suites backend modules' tests extend
    requires static io.kuaxin.emulators;   // only ReliabilitySuite's fault campaign and EmulatedRuntime

    exports io.kuaxin.conformance;
}
