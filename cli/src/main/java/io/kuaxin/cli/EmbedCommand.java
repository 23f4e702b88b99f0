package io.kuaxin.cli;

import io.kuaxin.Device;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.Kuaxin;
import io.kuaxin.Ops;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import io.kuaxin.arrow.ArrowTensors;
import io.kuaxin.models.minilm.MiniLmArtifact;
import io.kuaxin.models.minilm.MiniLmEncoder;
import io.kuaxin.models.minilm.MiniLmWeights;
import io.kuaxin.models.onnx.OnnxReader;
import io.kuaxin.models.text.WordPieceTokenizer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code kuaxin embed}: a column of sentences from an Arrow IPC file (or stream) in, all-MiniLM-L6-v2 embeddings out as
 * a {@code FixedSizeList<float>[384]} column of an Arrow IPC file, one output record batch per input batch, with a
 * progress bar. The embeddings reach Arrow as a tensor view: no copy between the tensor and the written column.
 */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Embed a column of sentences from an Arrow IPC file with all-MiniLM-L6-v2 and write the",
                "embeddings as a FixedSizeList<float>[384] column of an Arrow IPC file, batch by batch."})
final class EmbedCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOptions device;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "Arrow IPC file or stream with a utf8 column.")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Arrow IPC file to write.")
    Path out;

    @Option(names = "--column", paramLabel = "NAME",
            description = "The sentence column (default: the first utf8 or large_utf8 column).")
    String column;

    @Option(names = "--output-column", defaultValue = "embedding", paramLabel = "NAME",
            description = "Name of the embedding column (default ${DEFAULT-VALUE}).")
    String outputColumn;

    @Option(names = "--batch", defaultValue = "32", paramLabel = "N",
            description = "Sentences per forward pass (default ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() throws IOException {
        if (batch < 1) throw new InvalidArgumentException("--batch must be >= 1, was " + batch);
        if (!Files.isReadable(in)) throw new InvalidArgumentException("--in " + in + " is not a readable file");
        PrintWriter report = spec.commandLine().getOut();
        device.applyEmulation();
        int batches = scan();
        try (Arena arena = Arena.ofShared(); Kuaxin kx = Kuaxin.open(device.options());
             BufferAllocator allocator = new RootAllocator()) {
            Device dev = device.pick(kx);
            MiniLmArtifact artifact = MiniLmArtifact.locate();
            MiniLmWeights w = MiniLmWeights.from(OnnxReader.read(artifact.readOnnx(arena)));
            WordPieceTokenizer tok = artifact.loadTokenizer();
            try (MiniLmEncoder enc = new MiniLmEncoder(dev, w, Ops.withFallback(device.fallback));
                 Reader reader = open(allocator)) {
                Device cpu = kx.device("cpu");
                VectorSchemaRoot outRoot = null;
                ArrowFileWriter writer = null;
                FileChannel channel = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
                Progress progress = new Progress("embedding " + in.getFileName(), batches);
                long rows = 0, t0 = System.nanoTime();
                long[] forwardNanos = {0};
                List<Long> perFullBatch = new ArrayList<>();
                int done = 0;
                try (channel) {
                    while (reader.arrow.loadNextBatch()) {
                        VectorSchemaRoot root = reader.arrow.getVectorSchemaRoot();
                        List<String> sentences = sentences(root);
                        try (FieldVector col = embedColumn(sentences, enc, tok, cpu, batch, outputColumn, allocator,
                                (n, f) -> {
                                    forwardNanos[0] += f;
                                    if (n == batch) perFullBatch.add(f);
                                })) {
                            if (outRoot == null) {
                                Field embField = col.getField();
                                outRoot = VectorSchemaRoot.create(new org.apache.arrow.vector.types.pojo.Schema(
                                        List.of(embField)), allocator);
                                writer = new ArrowFileWriter(outRoot, null, channel);
                                writer.start();
                            }
                            col.makeTransferPair(outRoot.getVector(0)).transfer(); // moves the buffers, no copy
                            outRoot.setRowCount(sentences.size());
                            writer.writeBatch();
                        }
                        rows += sentences.size();
                        progress.update(++done, rows + " sentences");
                    }
                    if (writer == null) throw new InvalidArgumentException("--in " + in + " has no record batch");
                    writer.end();
                } finally {
                    if (writer != null) writer.close();
                    if (outRoot != null) outRoot.close();
                }
                double total = (System.nanoTime() - t0) / 1e6;
                report.printf("Wrote %d embeddings (%s FixedSizeList<float>[384]) to %s%n", rows, outputColumn, out);
                report.printf("Device %s; forward %.3f ms/sentence, end to end %.3f ms/sentence (batch %d)%n",
                        dev.id(), rows == 0 ? 0 : forwardNanos[0] / 1e6 / rows, rows == 0 ? 0 : total / rows, batch);
                if (!perFullBatch.isEmpty()) {
                    perFullBatch.sort(null);
                    double median = perFullBatch.get(perFullBatch.size() / 2) / 1e6;
                    report.printf("Forward    %.2f ms per batch of %d (median of %d), %.3f ms/sentence%n", median, batch,
                            perFullBatch.size(), median / batch);
                }
            }
        }
        return 0;
    }

    /** Receives each forward pass's sentence count and nanoseconds. */
    interface ForwardTimes {
        void record(int sentences, long nanos);
    }

    /**
     * The job's step for one record batch: embeds {@code sentences} in forward passes of {@code batch} and returns them
     * as a {@code FixedSizeList<float>[hidden]} vector over a tensor's memory (no copy between the two).
     */
    static FieldVector embedColumn(List<String> sentences, MiniLmEncoder enc, WordPieceTokenizer tok, Device cpu,
                                   int batch, String name, BufferAllocator allocator, ForwardTimes times) {
        int hidden = 384; // all-MiniLM-L6-v2; an empty batch still gets the right type
        float[] flat = new float[sentences.size() * hidden];
        for (int from = 0; from < sentences.size(); from += batch) {
            List<String> chunk = sentences.subList(from, Math.min(sentences.size(), from + batch));
            var encoded = tok.encodeBatch(chunk);
            long f0 = System.nanoTime();
            float[][] emb = enc.embed(encoded);
            times.record(chunk.size(), System.nanoTime() - f0);
            for (int i = 0; i < emb.length; i++) {
                if (emb[i].length != hidden) throw new IllegalStateException("the encoder gave " + emb[i].length + " values");
                System.arraycopy(emb[i], 0, flat, (from + i) * hidden, hidden);
            }
        }
        try (Tensor t = cpu.copyOf(flat, Shape.of(sentences.size(), hidden))) {
            return ArrowTensors.toVector(t, name, allocator); // the vector keeps the tensor's memory
        }
    }

    /** An Arrow reader over the input, file or stream format. */
    private record Reader(ArrowReader arrow, AutoCloseable source) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            arrow.close();
            try {
                source.close();
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e);
            }
        }
    }

    private Reader open(BufferAllocator allocator) throws IOException {
        if (isFileFormat()) {
            FileChannel ch = FileChannel.open(in);
            return new Reader(new ArrowFileReader(ch, allocator), ch);
        }
        InputStream s = Files.newInputStream(in);
        return new Reader(new ArrowStreamReader(s, allocator), s);
    }

    /** The IPC file format starts with the magic {@code ARROW1}; anything else is read as a stream. */
    private boolean isFileFormat() throws IOException {
        try (InputStream s = Files.newInputStream(in)) {
            return Arrays.equals(s.readNBytes(6), "ARROW1".getBytes(StandardCharsets.US_ASCII));
        }
    }

    /**
     * Reads the input once before the model loads: counts the record batches for the progress bar and checks every
     * batch's sentence column (type, nulls), so bad input fails in a second, not after the model is up.
     */
    private int scan() throws IOException {
        try (BufferAllocator a = new RootAllocator(); Reader r = open(a)) {
            int n = 0;
            while (r.arrow.loadNextBatch()) {
                sentences(r.arrow.getVectorSchemaRoot());
                n++;
            }
            return n;
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidArgumentException) throw e;
            throw new InvalidArgumentException("--in " + in + " is not an Arrow IPC file or stream: " + e.getMessage());
        }
    }

    private List<String> sentences(VectorSchemaRoot root) {
        FieldVector v = null;
        for (FieldVector c : root.getFieldVectors()) {
            boolean text = c.getField().getType() instanceof ArrowType.Utf8
                    || c.getField().getType() instanceof ArrowType.LargeUtf8;
            if (column == null ? text : c.getName().equals(column)) {
                v = c;
                break;
            }
        }
        if (v == null) {
            throw new InvalidArgumentException("--in " + in + " has no " + (column == null ? "utf8 column"
                    : "column '" + column + "'") + "; columns: " + root.getSchema().getFields());
        }
        List<String> out = new ArrayList<>(root.getRowCount());
        for (int i = 0; i < root.getRowCount(); i++) {
            if (v.isNull(i)) {
                throw new InvalidArgumentException("column '" + v.getName() + "' is null at row " + i
                        + " of a record batch; fill or drop null sentences first");
            }
            byte[] b = v instanceof VarCharVector s ? s.get(i) : v instanceof LargeVarCharVector l ? l.get(i) : null;
            if (b == null) {
                throw new InvalidArgumentException("column '" + v.getName() + "' is " + v.getField().getType()
                        + ", not utf8");
            }
            out.add(new String(b, StandardCharsets.UTF_8));
        }
        return out;
    }
}
