package io.kuaxin.models.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kuaxin.models.minilm.TestModel;

/** The reader on the real all-MiniLM-L6-v2 .onnx. */
class RealModelReaderTest {

    @Test
    void headerInputsOutputs() {
        OnnxModel m = TestModel.model();
        System.out.printf("read %.0f ms, parse %.1f ms%n", TestModel.readNanos / 1e6, TestModel.parseNanos / 1e6);
        assertEquals(90_387_606L, TestModel.bytes().byteSize());
        assertEquals(6, m.irVersion());
        assertEquals(11, m.opset());
        assertEquals("pytorch", m.producerName());
        OnnxGraph g = m.graph();
        assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"),
                g.runtimeInputs().stream().map(OnnxValueInfo::name).toList());
        for (OnnxValueInfo in : g.inputs()) {
            assertEquals(OnnxDataType.INT64, in.elementType());
            assertEquals("[batch_size, sequence_length]", in.shape().toString());
        }
        assertEquals(1, g.outputs().size());
        assertEquals("last_hidden_state: FLOAT[batch_size, sequence_length, 384]", g.outputs().get(0).toString());
    }

    @Test
    void nodeAndInitializerCounts() {
        OnnxGraph g = TestModel.model().graph();
        assertEquals(102, g.initializers().size());
        assertEquals(637, g.nodes().size());
        Map<String, Integer> ops = g.opCounts();
        assertEquals(48, ops.get("MatMul"));
        assertEquals(6, ops.get("Softmax"));
        assertEquals(6, ops.get("Erf"));
        assertEquals(13, ops.get("Sqrt"));

        long weightMatMuls = g.nodes().stream()
                .filter(n -> n.opType().equals("MatMul") && g.initializer(n.input(1)) != null).count();
        assertEquals(36, weightMatMuls); // 6 layers × (Q, K, V, O, FFN in, FFN out)
        long square = g.initializers().values().stream().filter(t -> t.hasShape(384, 384)).count();
        long up = g.initializers().values().stream().filter(t -> t.hasShape(384, 1536)).count();
        long down = g.initializers().values().stream().filter(t -> t.hasShape(1536, 384)).count();
        assertEquals(24, square);
        assertEquals(6, up);
        assertEquals(6, down);

        long aligned = g.initializers().values().stream().filter(t -> t.fileOffset() % 4 == 0).count();
        assertEquals(1, aligned, "the artifact has exactly one 4-byte-aligned payload");
        long floats = g.initializers().values().stream().filter(t -> t.dataType() == OnnxDataType.FLOAT)
                .mapToLong(OnnxTensor::elementCount).sum();
        assertEquals(22_565_376L, floats);
    }

    @Test
    void unalignedPayloadDecodesLikeByteByByte() {
        OnnxTensor t = TestModel.model().graph().initializer("embeddings.position_embeddings.weight");
        assertTrue(t.fileOffset() % 4 != 0);
        float[] f = t.toFloatArray();
        MemorySegment d = t.data();
        for (int i : new int[] {0, 1, 383, 384, 196607}) {
            int bits = 0;
            for (int k = 0; k < 4; k++) {
                bits |= (d.get(ValueLayout.JAVA_BYTE, 4L * i + k) & 0xFF) << (8 * k);
            }
            assertEquals(Float.intBitsToFloat(bits), f[i]);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment al = t.toAlignedSegment(a);
            assertEquals(0, al.address() % 64);
            assertEquals(f[12345], al.getAtIndex(ValueLayout.JAVA_FLOAT, 12345)); // little-endian host
        }
        long[] pos = TestModel.model().graph().initializer("embeddings.position_ids").toLongArray();
        assertEquals(512, pos.length);
        assertEquals(511, pos[511]);
    }
}
