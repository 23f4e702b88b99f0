package io.kuaxin.cli;

import io.kuaxin.Device;
import io.kuaxin.Kuaxin;
import io.kuaxin.Ops;
import io.kuaxin.Provenance;
import io.kuaxin.models.decoder.DecoderConfig;
import io.kuaxin.models.decoder.DecoderWeights;
import io.kuaxin.models.decoder.ReferenceDecoder;
import io.kuaxin.models.decoder.TinyDecoder;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;

/** {@code kuaxin demo --decoder}: prefill then greedy decode with a KV cache, checked against an fp64 oracle. */
record DecoderDemo(CommandLine cmd, DeviceOptions device, int tokens) {
    private static final int PROMPT = 64;

    int run() {
        Progress p = new Progress("decoder", 2);
        DecoderDemoInput in = DecoderDemoInput.prepare(cmd, device, PROMPT, tokens);
        DecoderConfig c = in.config();
        DecoderWeights w = in.weights();
        long[] prompt = in.prompt();
        p.step("synthetic weights (seed " + c.seed() + ")");
        PrintWriter out = cmd.getOut();
        try (Kuaxin kx = Kuaxin.open(device.options())) {
            Device dev = device.pick(kx);
            try (TinyDecoder warm = new TinyDecoder(dev, w, Ops.withFallback(device.fallback))) {
                warm.step(prompt); // JIT warm-up on the same shapes
                warm.step(new long[] {1});
            }
            try (TinyDecoder dec = new TinyDecoder(dev, w, Ops.withFallback(device.fallback))) {
                p.step("weights on " + dev.id());
                dev.resetPeak();
                ReferenceDecoder ref = new ReferenceDecoder(w);
                long t0 = System.nanoTime();
                float[] logits = dec.step(prompt);
                long prefill = System.nanoTime() - t0;
                double maxErr = maxErr(logits, ref.step(prompt)), maxLogit = maxAbs(logits);
                long[] generated = new long[tokens];
                long decode = 0;
                for (int i = 0; i < tokens; i++) {
                    long next = DecoderDemoInput.argmax(logits);
                    generated[i] = next;
                    long t1 = System.nanoTime();
                    logits = dec.step(new long[] {next});
                    decode += System.nanoTime() - t1;
                    maxErr = Math.max(maxErr, maxErr(logits, ref.step(new long[] {next})));
                    maxLogit = Math.max(maxLogit, maxAbs(logits));
                }
                out.println();
                out.println("Decoder    " + c.layers() + " layers, d_model " + c.dModel() + ", " + c.heads() + " query / "
                        + c.kvHeads() + " KV heads of " + c.headDim() + ", RoPE, RMSNorm, SiLU-gated MLP " + c.ffn()
                        + ", vocab " + c.vocab() + " (synthetic weights)");
                out.println("Device     " + dev + " - " + device.why(kx));
                out.println();
                Table prov = new Table("OP", "DEVICE", "KERNEL", "FALLBACK");
                for (Map.Entry<String, Provenance> e : new TreeMap<>(dec.provenance()).entrySet()) {
                    prov.row(e.getKey(), e.getValue().device(), e.getValue().kernel(),
                            e.getValue().fallback() ? "yes" : "no");
                }
                prov.print(out);
                out.println();
                out.printf("Prefill    %d tokens in %.1f ms: %.0f tokens/s%n", PROMPT, prefill / 1e6,
                        PROMPT / (prefill / 1e9));
                out.printf("Decode     %d tokens in %.1f ms: %.1f tokens/s (greedy, KV cache of up to %d)%n", tokens,
                        decode / 1e6, tokens / (decode / 1e9), PROMPT + tokens);
                out.printf("Memory     peak %s on %s%n", Table.bytes(dev.memoryStats().peakAllocatedBytes()), dev.id());
                out.printf("Check      max |logit - fp64 oracle| = %.2e over %d steps (largest |logit| %.2f)%n",
                        maxErr, tokens + 1, maxLogit);
                StringBuilder ids = new StringBuilder();
                for (int i = 0; i < Math.min(tokens, 16); i++) ids.append(generated[i]).append(' ');
                out.println("Generated  " + ids.toString().trim() + (tokens > 16 ? " ..." : ""));
                out.flush();
            }
        }
        return 0;
    }

    private static double maxErr(float[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) m = Math.max(m, Math.abs(v));
        return m;
    }
}
