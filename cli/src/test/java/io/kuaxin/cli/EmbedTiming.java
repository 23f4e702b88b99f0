package io.kuaxin.cli;

import io.kuaxin.Device;
import io.kuaxin.FallbackPolicy;
import io.kuaxin.Kuaxin;
import io.kuaxin.Ops;
import io.kuaxin.models.minilm.MiniLmArtifact;
import io.kuaxin.models.minilm.MiniLmEncoder;
import io.kuaxin.models.minilm.MiniLmWeights;
import io.kuaxin.models.onnx.OnnxReader;
import io.kuaxin.models.text.BatchEncoding;
import io.kuaxin.models.text.WordPieceTokenizer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.Schema;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Paired timing (not a test): the demo's forward pass over its 8 sentences against the embed job's whole step for a
 * record batch of the same 8 sentences (read the utf8 column, tokenize, forward, tensor to Arrow vector, write an IPC
 * batch), alternated in one JVM so machine load hits both alike. Prints medians and their ratio.
 */
public final class EmbedTiming {
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 41;
        List<String> sentences = DemoCommand.DEFAULT_SENTENCES;
        try (Arena arena = Arena.ofShared(); Kuaxin kx = Kuaxin.open(); BufferAllocator allocator = new RootAllocator()) {
            Device cpu = kx.device("cpu");
            MiniLmArtifact artifact = MiniLmArtifact.locate();
            MiniLmWeights w = MiniLmWeights.from(OnnxReader.read(artifact.readOnnx(arena)));
            WordPieceTokenizer tok = artifact.loadTokenizer();
            try (MiniLmEncoder enc = new MiniLmEncoder(cpu, w, Ops.withFallback(FallbackPolicy.FAIL));
                 VectorSchemaRoot in = VectorSchemaRoot.create(new Schema(List.of(
                         org.apache.arrow.vector.types.pojo.Field.nullable("text",
                                 new org.apache.arrow.vector.types.pojo.ArrowType.Utf8()))), allocator)) {
                VarCharVector text = (VarCharVector) in.getVector(0);
                text.allocateNew(sentences.size());
                for (int i = 0; i < sentences.size(); i++) text.set(i, sentences.get(i).getBytes(StandardCharsets.UTF_8));
                in.setRowCount(sentences.size());
                BatchEncoding demoBatch = tok.encodeBatch(sentences);
                long[] demo = new long[rounds], job = new long[rounds];
                for (int r = -30; r < rounds; r++) { // 30 warm-up rounds
                    boolean demoFirst = (r & 1) == 0;
                    long d = 0, j = 0;
                    for (int k = 0; k < 2; k++) {
                        if ((k == 0) == demoFirst) {
                            long t0 = System.nanoTime();
                            enc.embed(demoBatch); // what the demo times
                            d = System.nanoTime() - t0;
                        } else {
                            long t0 = System.nanoTime();
                            List<String> s = new ArrayList<>(in.getRowCount());
                            for (int i = 0; i < in.getRowCount(); i++) s.add(new String(text.get(i), StandardCharsets.UTF_8));
                            try (FieldVector col = EmbedCommand.embedColumn(s, enc, tok, cpu, 8, "embedding", allocator,
                                    (n, f) -> { });
                                 VectorSchemaRoot out = VectorSchemaRoot.of(col);
                                 ArrowStreamWriter wr = new ArrowStreamWriter(out, null,
                                         Channels.newChannel(new ByteArrayOutputStream()))) {
                                wr.start();
                                wr.writeBatch();
                                wr.end();
                            }
                            j = System.nanoTime() - t0;
                        }
                    }
                    if (r >= 0) {
                        demo[r] = d;
                        job[r] = j;
                    }
                }
                long[] ratio = new long[rounds];
                for (int r = 0; r < rounds; r++) ratio[r] = Math.round(1e6 * job[r] / (double) demo[r]);
                System.out.printf("demo forward   %.2f ms per batch of 8 (%.3f ms/sentence), median of %d%n",
                        median(demo) / 1e6, median(demo) / 8e6, rounds);
                System.out.printf("embed job step %.2f ms per batch of 8 (%.3f ms/sentence), median of %d%n",
                        median(job) / 1e6, median(job) / 8e6, rounds);
                System.out.printf("ratio job/demo: median of paired ratios %.4f%n", median(ratio) / 1e6);
            }
        }
    }

    private static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
