package io.kuaxin.models.minilm;

import java.lang.foreign.Arena;
import java.util.List;

import io.kuaxin.models.text.BatchEncoding;

/**
 * Run by {@link HostileInputTest} as its own JVM: the command line is the input, so a long argument reaches the
 * part of ONNX Runtime that reads {@code /proc/self/cmdline}. Prints the embedding's norm and exits 0.
 */
public final class OrtInSubprocess {
    private OrtInSubprocess() {
    }

    public static void main(String[] args) {
        try (Arena arena = Arena.ofConfined();
             OrtEmbedder ort = new OrtEmbedder(MiniLmArtifact.locate().readOnnx(arena), 1)) {
            BatchEncoding batch = MiniLmArtifact.locate().loadTokenizer().encodeBatch(List.of(args[0]));
            float[] e = ort.embed(batch)[0];
            double n = 0;
            for (float v : e) n += (double) v * v;
            System.out.printf("embedded %d tokens, norm %.6f%n", batch.sequenceLength(), Math.sqrt(n));
        }
    }
}
