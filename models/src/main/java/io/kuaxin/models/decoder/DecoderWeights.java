package io.kuaxin.models.decoder;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic synthetic weights: uniform in ±1/√fan_in (a common initialisation, which keeps activations of
 * order one through the layers), norms' gains near 1. Same seed, same weights, on every machine.
 */
public record DecoderWeights(DecoderConfig config, float[] embedding, List<Layer> layers, float[] finalNorm,
                             float[] lmHead) {
    /** One block's weights; matrices are [in, out] row-major. */
    public record Layer(float[] attnNorm, float[] wq, float[] wk, float[] wv, float[] wo, float[] mlpNorm,
                        float[] wGate, float[] wUp, float[] wDown) {}

    public static DecoderWeights generate(DecoderConfig c) {
        SplittableRandom r = new SplittableRandom(c.seed());
        float[] emb = uniform(r, c.vocab() * c.dModel(), 1.0);
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            layers.add(new Layer(gain(r, c.dModel()), uniform(r, c.dModel() * c.dModel(), bound(c.dModel())),
                    uniform(r, c.dModel() * c.kvDim(), bound(c.dModel())),
                    uniform(r, c.dModel() * c.kvDim(), bound(c.dModel())),
                    uniform(r, c.dModel() * c.dModel(), bound(c.dModel())), gain(r, c.dModel()),
                    uniform(r, c.dModel() * c.ffn(), bound(c.dModel())),
                    uniform(r, c.dModel() * c.ffn(), bound(c.dModel())),
                    uniform(r, c.ffn() * c.dModel(), bound(c.ffn()))));
        }
        return new DecoderWeights(c, emb, layers, gain(r, c.dModel()),
                uniform(r, c.dModel() * c.vocab(), bound(c.dModel())));
    }

    private static double bound(int fanIn) { return 1 / Math.sqrt(fanIn); }

    private static float[] uniform(SplittableRandom r, int n, double bound) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) ((r.nextDouble() * 2 - 1) * bound);
        return a;
    }

    private static float[] gain(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (1 + (r.nextDouble() - 0.5) * 0.2);
        return a;
    }
}
