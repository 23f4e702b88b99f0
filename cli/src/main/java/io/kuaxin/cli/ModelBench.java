package io.kuaxin.cli;

import io.kuaxin.Device;
import io.kuaxin.Ops;
import io.kuaxin.models.minilm.MiniLmArtifact;
import io.kuaxin.models.minilm.MiniLmEncoder;
import io.kuaxin.models.minilm.MiniLmWeights;
import io.kuaxin.models.onnx.OnnxReader;
import io.kuaxin.models.text.BatchEncoding;

import java.lang.foreign.Arena;

/** {@code kuaxin bench model}: MiniLM forward passes of batch 1 at several token counts. */
final class ModelBench implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final Device device;
    private final MiniLmEncoder encoder;

    ModelBench(Device device) {
        this.device = device;
        MiniLmArtifact artifact = MiniLmArtifact.locate();
        MiniLmWeights w = MiniLmWeights.from(OnnxReader.read(artifact.readOnnx(arena)));
        this.encoder = new MiniLmEncoder(device, w, Ops.withFallback(io.kuaxin.FallbackPolicy.FAIL));
    }

    BenchSuite.Point run(long tokens) {
        int t = Math.toIntExact(tokens);
        long[] ids = new long[t], mask = new long[t], types = new long[t];
        for (int i = 0; i < t; i++) {
            ids[i] = i == 0 ? 101 : i == t - 1 ? 102 : 1000 + (i * 37) % 20000; // [CLS] ... [SEP]
            mask[i] = 1;
        }
        BatchEncoding batch = new BatchEncoding(1, t, ids, mask, types, new int[] {t});
        double ms = BenchSuite.time(device, () -> encoder.embed(batch));
        return new BenchSuite.Point(tokens, ms, tokens / (ms / 1e3));
    }

    @Override
    public void close() {
        encoder.close();
        arena.close();
    }
}
