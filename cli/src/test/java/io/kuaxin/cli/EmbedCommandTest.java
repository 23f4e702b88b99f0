package io.kuaxin.cli;

import io.kuaxin.Device;
import io.kuaxin.Kuaxin;
import io.kuaxin.Ops;
import io.kuaxin.models.minilm.MiniLmArtifact;
import io.kuaxin.models.minilm.MiniLmEncoder;
import io.kuaxin.models.minilm.MiniLmWeights;
import io.kuaxin.models.onnx.OnnxReader;
import io.kuaxin.models.text.WordPieceTokenizer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code kuaxin embed} on small generated Arrow IPC files, checked against the demo's embeddings. */
class EmbedCommandTest {
    static final List<String> SENTENCES;

    static {
        List<String> s = new ArrayList<>(DemoCommand.DEFAULT_SENTENCES);
        s.add("Arrow columns go in, embeddings come out.");
        SENTENCES = List.copyOf(s);
    }

    @TempDir
    Path dir;

    /** Writes SENTENCES as record batches of {@code sizes} rows, with an int id column first. */
    static void writeSentences(Path file, boolean stream, int... sizes) throws Exception {
        Schema schema = new Schema(List.of(Field.notNullable("id", new ArrowType.Int(32, true)),
                new Field("text", FieldType.nullable(new ArrowType.Utf8()), null)));
        try (BufferAllocator a = new RootAllocator(); VectorSchemaRoot root = VectorSchemaRoot.create(schema, a);
             FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            var writer = stream ? new ArrowStreamWriter(root, null, ch) : new ArrowFileWriter(root, null, ch);
            writer.start();
            int at = 0;
            for (int n : sizes) {
                IntVector id = (IntVector) root.getVector("id");
                VarCharVector text = (VarCharVector) root.getVector("text");
                id.allocateNew(n);
                text.allocateNew(n);
                for (int i = 0; i < n; i++, at++) {
                    id.set(i, at);
                    if (at < SENTENCES.size()) text.set(i, SENTENCES.get(at).getBytes(StandardCharsets.UTF_8));
                    else text.setNull(i);
                }
                root.setRowCount(n);
                writer.writeBatch();
            }
            writer.end();
            writer.close();
        }
    }

    static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        PrintStream o = System.out, e = System.err;
        int rc;
        try {
            System.setOut(new PrintStream(out, true));
            System.setErr(new PrintStream(err, true));
            rc = Main.run(args);
        } finally {
            System.setOut(o);
            System.setErr(e);
        }
        return new String[]{Integer.toString(rc), out.toString(), err.toString()};
    }

    /** The demo's embeddings: every sentence in one batch through MiniLmEncoder.embed. */
    static float[][] demoEmbeddings() {
        try (Arena arena = Arena.ofShared(); Kuaxin kx = Kuaxin.open()) {
            Device cpu = kx.device("cpu");
            MiniLmArtifact artifact = MiniLmArtifact.locate();
            MiniLmWeights w = MiniLmWeights.from(OnnxReader.read(artifact.readOnnx(arena)));
            WordPieceTokenizer tok = artifact.loadTokenizer();
            try (MiniLmEncoder enc = new MiniLmEncoder(cpu, w, Ops.withFallback(io.kuaxin.FallbackPolicy.FAIL))) {
                return enc.embed(tok.encodeBatch(SENTENCES));
            }
        }
    }

    @Test
    void embedsEveryBatchAsTheDemoDoes() throws Exception {
        float[][] demo = demoEmbeddings();
        for (boolean stream : new boolean[]{false, true}) {
            Path in = dir.resolve(stream ? "s.arrows" : "s.arrow"), out = dir.resolve("e" + stream + ".arrow");
            writeSentences(in, stream, 5, 0, 4);
            String[] r = run("embed", "--in", in.toString(), "--out", out.toString(), "--device", "cpu",
                    "--batch", "3");
            assertEquals("0", r[0], r[2]);
            assertTrue(r[1].contains("Wrote 9 embeddings"), r[1]);
            assertTrue(r[2].contains("3/3"), "progress bar: " + r[2]);
            try (BufferAllocator a = new RootAllocator(); FileChannel ch = FileChannel.open(out);
                 ArrowFileReader reader = new ArrowFileReader(ch, a)) {
                int row = 0;
                List<Integer> sizes = new ArrayList<>();
                while (reader.loadNextBatch()) {
                    VectorSchemaRoot root = reader.getVectorSchemaRoot();
                    FixedSizeListVector emb = (FixedSizeListVector) root.getVector("embedding");
                    assertEquals(384, emb.getListSize());
                    Float4Vector items = (Float4Vector) emb.getDataVector();
                    sizes.add(root.getRowCount());
                    for (int i = 0; i < root.getRowCount(); i++, row++) {
                        double dot = 0, n1 = 0, n2 = 0;
                        for (int k = 0; k < 384; k++) {
                            double x = items.get(i * 384 + k), y = demo[row][k];
                            dot += x * y;
                            n1 += x * x;
                            n2 += y * y;
                        }
                        double cos = dot / Math.sqrt(n1 * n2);
                        assertTrue(cos >= 0.99999, "row " + row + " cosine " + cos);
                    }
                }
                assertEquals(List.of(5, 0, 4), sizes, "one output batch per input batch");
                assertEquals(SENTENCES.size(), row);
            }
        }
    }

    @Test
    void badInputIsOneLineAndExitCode2() throws Exception {
        Path in = dir.resolve("nulls.arrow");
        writeSentences(in, false, 12); // rows past the sentences are null
        String[] r = run("embed", "--in", in.toString(), "--out", dir.resolve("o.arrow").toString(), "-d", "cpu");
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].contains("null at row 9"), r[2]);

        r = run("embed", "--in", in.toString(), "--out", dir.resolve("o.arrow").toString(), "--column", "id");
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].contains("not utf8"), r[2]);

        Path junk = dir.resolve("junk.arrow");
        Files.writeString(junk, "not arrow at all");
        r = run("embed", "--in", junk.toString(), "--out", dir.resolve("o.arrow").toString());
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].contains("not an Arrow IPC"), r[2]);
    }
}
