package io.kuaxin.models.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The wire-format reader on hand-built ModelProto bytes. */
class OnnxReaderTest {

    private static ProtoWriter dim(long value) {
        return new ProtoWriter().int64(1, value);
    }

    private static ProtoWriter dimParam(String p) {
        return new ProtoWriter().string(2, p);
    }

    /** ValueInfoProto with a tensor type of {@code elem} and the given dims. */
    private static ProtoWriter valueInfo(String name, int elem, ProtoWriter... dims) {
        ProtoWriter shape = new ProtoWriter();
        for (ProtoWriter d : dims) {
            shape.message(1, d);
        }
        ProtoWriter tensorType = new ProtoWriter().int64(1, elem).message(2, shape);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
    }

    private static byte[] sampleModel() {
        // raw_data FLOAT [2,3], placed after a 1-byte name so the payload lands at an odd offset
        ProtoWriter w = new ProtoWriter()
                .packedVarints(1, 2, 3)
                .int64(2, 1)
                .string(8, "w")
                .bytes(9, ProtoWriter.floatsLE(1f, -2f, 3.5f, 4f, 5f, 6.25f));
        // float_data packed, dims unpacked
        ProtoWriter b = new ProtoWriter().int64(1, 3).int64(2, 1).string(8, "b").packedFloats(4, 0.5f, 1.5f, -1f);
        // int64_data unpacked, with negative values (10-byte varints)
        ProtoWriter s = new ProtoWriter().int64(1, 2).int64(2, 7).string(8, "shape").int64(7, -1).int64(7, 384);
        // int32_data for INT8 values
        ProtoWriter i8 = new ProtoWriter().int64(1, 2).int64(2, 3).string(8, "i8").packedVarints(5, 5, -3L);

        ProtoWriter attrPerm = new ProtoWriter().string(1, "perm").int64(20, 7).packedVarints(8, 0, 2, 1, 3);
        ProtoWriter attrAxesUnpacked = new ProtoWriter().string(1, "axes").int64(20, 7).int64(8, -1).int64(8, 4);
        ProtoWriter attrAlpha = new ProtoWriter().string(1, "alpha").int64(20, 1).float32(2, 0.25f);
        ProtoWriter attrAxis = new ProtoWriter().string(1, "axis").int64(20, 2).int64(3, -1);
        ProtoWriter attrMode = new ProtoWriter().string(1, "mode").int64(20, 3).string(4, "constant");
        ProtoWriter attrNames = new ProtoWriter().string(1, "names").int64(20, 8).string(9, "a").string(9, "bc");
        ProtoWriter attrScales = new ProtoWriter().string(1, "scales").int64(20, 6).float32(7, 1f).float32(7, 2f);
        ProtoWriter constT = new ProtoWriter().int64(2, 1).string(8, "").packedFloats(4, 5.656854f);
        ProtoWriter attrValue = new ProtoWriter().string(1, "value").int64(20, 4).message(5, constT);
        // old-style attribute without `type`: inferred from the field present
        ProtoWriter attrUntyped = new ProtoWriter().string(1, "k").int64(3, 7);

        ProtoWriter n0 = new ProtoWriter().string(1, "x").string(1, "w").string(2, "y").string(3, "mm")
                .string(4, "MatMul").message(5, attrPerm).message(5, attrAxesUnpacked).message(5, attrAlpha)
                .message(5, attrAxis).message(5, attrMode).message(5, attrNames).message(5, attrScales)
                .message(5, attrUntyped).string(6, "doc is skipped").string(7, "");
        ProtoWriter n1 = new ProtoWriter().string(2, "c").string(4, "Constant").message(5, attrValue);
        ProtoWriter n2 = new ProtoWriter().string(1, "y").string(1, "").string(1, "b").string(2, "z")
                .string(4, "Add").string(7, "com.example");

        ProtoWriter graph = new ProtoWriter()
                .message(1, n0).message(1, n1).message(1, n2)
                .string(2, "g")
                .message(5, w).message(5, b).message(5, s).message(5, i8)
                .message(11, valueInfo("x", 1, dimParam("batch"), dim(2)))
                .message(12, valueInfo("z", 1, dimParam("batch"), new ProtoWriter(), dim(3)))
                .int64(99, 12345) // unknown fields are skipped
                .fixed64(98, 0x1122334455667788L)
                .fixed32(97, 42);
        return new ProtoWriter()
                .int64(1, 6)
                .string(2, "hand")
                .string(3, "1.0")
                .message(8, new ProtoWriter().string(1, "").int64(2, 11))
                .message(8, new ProtoWriter().string(1, "com.microsoft").int64(2, 1))
                .message(14, new ProtoWriter().string(1, "k").string(2, "v"))
                .bytes(77, new byte[] {1, 2, 3}) // unknown length-delimited field
                .message(7, graph)
                .toByteArray();
    }

    @Test
    void readsHandBuiltModel() {
        OnnxModel m = OnnxReader.read(sampleModel());
        assertEquals(6, m.irVersion());
        assertEquals("hand", m.producerName());
        assertEquals(11, m.opset());
        assertEquals(1L, m.opsetImports().get("com.microsoft"));
        assertEquals("v", m.metadata().get("k"));

        OnnxGraph g = m.graph();
        assertEquals("g", g.name());
        assertEquals(3, g.nodes().size());
        assertEquals(4, g.initializers().size());

        OnnxTensor w = g.initializer("w");
        assertArrayEquals(new long[] {2, 3}, w.dims());
        assertEquals(OnnxDataType.FLOAT, w.dataType());
        assertArrayEquals(new float[] {1f, -2f, 3.5f, 4f, 5f, 6.25f}, w.toFloatArray());
        assertNotEquals(0, w.fileOffset() % 4, "test intends an unaligned payload");

        assertArrayEquals(new float[] {0.5f, 1.5f, -1f}, g.initializer("b").toFloatArray());
        assertEquals(-1L, g.initializer("b").fileOffset());
        assertArrayEquals(new long[] {-1, 384}, g.initializer("shape").toLongArray());
        assertArrayEquals(new long[] {5, -3}, g.initializer("i8").toLongArray());

        OnnxNode mm = g.nodes().get(0);
        assertEquals("MatMul", mm.opType());
        assertEquals("mm", mm.name());
        assertEquals(List.of("x", "w"), mm.inputs());
        assertEquals(List.of("y"), mm.outputs());
        assertArrayEquals(new long[] {0, 2, 1, 3}, mm.attribute("perm").ints());
        assertArrayEquals(new long[] {-1, 4}, mm.attribute("axes").ints());
        assertEquals(0.25f, mm.floatAttribute("alpha", 0));
        assertEquals(-1L, mm.intAttribute("axis", 0));
        assertEquals("constant", mm.attribute("mode").s());
        assertEquals(List.of("a", "bc"), mm.attribute("names").strings());
        assertArrayEquals(new float[] {1f, 2f}, mm.attribute("scales").floats());
        assertEquals(OnnxAttribute.Type.INT, mm.attribute("k").type());
        assertEquals(7L, mm.attribute("k").i());

        OnnxNode c = g.nodes().get(1);
        assertEquals(5.656854f, (float) c.attribute("value").t().scalar());

        OnnxNode add = g.nodes().get(2);
        assertEquals("com.example", add.domain());
        assertEquals("", add.input(1), "omitted optional input kept as empty string");
        assertEquals(2, add.index());

        assertEquals(1, g.inputs().size());
        OnnxValueInfo x = g.inputs().get(0);
        assertEquals(OnnxDataType.FLOAT, x.elementType());
        assertEquals("batch", x.shape().get(0).param());
        assertEquals(2, x.shape().get(1).value());
        OnnxValueInfo z = g.outputs().get(0);
        assertFalse(z.shape().get(1).isFixed());
        assertEquals("[batch, ?, 3]", z.shape().toString());
        assertEquals(List.of(x), g.runtimeInputs());
        assertEquals(2, g.consumers().get("y").size() + g.consumers().get("w").size());
        assertEquals(mm, g.producers().get("y"));
    }

    @Test
    void truncatedVarintNamesFieldAndOffset() {
        byte[] bad = {0x08, (byte) 0x80}; // ir_version whose varint never ends
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxReader.read(bad));
        assertEquals("ModelProto.ir_version", e.field());
        assertEquals(1, e.offset());
        assertTrue(e.getMessage().contains("truncated varint"), e.getMessage());
    }

    @Test
    void lengthPastEndIsReported() {
        byte[] bad = new ProtoWriter().int64(1, 6).tag(7, 2).varint(1000).raw(new byte[] {1, 2, 3}).toByteArray();
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxReader.read(bad));
        assertEquals("ModelProto.graph", e.field());
        assertEquals(3, e.offset());
        assertTrue(e.getMessage().contains("length 1000"), e.getMessage());
    }

    @Test
    void nestedErrorsCarryThePathAndAbsoluteOffset() {
        // TensorProto.dims given as fixed32 (wire type 5) instead of varint
        ProtoWriter t = new ProtoWriter().string(8, "t").fixed32(1, 7);
        ProtoWriter g = new ProtoWriter().message(5, t);
        byte[] bytes = new ProtoWriter().int64(1, 6).message(7, g).toByteArray();
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxReader.read(bytes));
        assertEquals("ModelProto.graph.initializer.dims", e.field());
        // 2 (ir_version) + 2 (graph tag+len) + 2 (initializer tag+len) + 3 (name) = tag of dims at 9
        assertEquals(9, e.offset());
        assertTrue(e.getMessage().contains("wire type 5"), e.getMessage());
    }

    @Test
    void rawDataOfWrongSizeIsReported() {
        ProtoWriter t = new ProtoWriter().packedVarints(1, 2, 2).int64(2, 1).string(8, "w").bytes(9, new byte[12]);
        byte[] bytes = new ProtoWriter().message(7, new ProtoWriter().message(5, t)).toByteArray();
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxReader.read(bytes));
        assertEquals("ModelProto.graph.initializer.raw_data", e.field());
        assertTrue(e.getMessage().contains("needs 16 bytes but raw_data has 12"), e.getMessage());
    }

    @Test
    void groupsOverlongVarintsAndMissingGraphAreRejected() {
        OnnxFormatException group = assertThrows(OnnxFormatException.class,
                () -> OnnxReader.read(new ProtoWriter().tag(5, 3).toByteArray()));
        assertTrue(group.getMessage().contains("unsupported wire type 3"), group.getMessage());

        byte[] overlong = {0x08, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01};
        OnnxFormatException ov = assertThrows(OnnxFormatException.class, () -> OnnxReader.read(overlong));
        assertTrue(ov.getMessage().contains("varint"), ov.getMessage());

        OnnxFormatException none = assertThrows(OnnxFormatException.class,
                () -> OnnxReader.read(new ProtoWriter().int64(1, 6).toByteArray()));
        assertTrue(none.getMessage().contains("no graph"), none.getMessage());

        OnnxFormatException fieldZero = assertThrows(OnnxFormatException.class,
                () -> OnnxReader.read(new byte[] {0x00}));
        assertTrue(fieldZero.getMessage().contains("invalid field number 0"), fieldZero.getMessage());
    }

    @Test
    void typedDataCountMustMatchDims() {
        ProtoWriter t = new ProtoWriter().int64(1, 3).int64(2, 1).string(8, "f").packedFloats(4, 1f, 2f);
        byte[] bytes = new ProtoWriter().message(7, new ProtoWriter().message(5, t)).toByteArray();
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxReader.read(bytes));
        assertEquals("ModelProto.graph.initializer.float_data", e.field());
        assertTrue(e.getMessage().contains("needs 3 values but has 2"), e.getMessage());
    }

    @Test
    void externalDataIsRefusedClearly() {
        ProtoWriter t = new ProtoWriter().int64(1, 1).int64(2, 1).string(8, "ext")
                .message(13, new ProtoWriter().string(1, "location").string(2, "weights.bin")).int64(14, 1);
        byte[] bytes = new ProtoWriter().message(7, new ProtoWriter().message(5, t)).toByteArray();
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxReader.read(bytes));
        assertTrue(e.getMessage().contains("external"), e.getMessage());
    }

    @Test
    void emptyGraphIsFine() {
        OnnxModel m = OnnxReader.read(new ProtoWriter().message(7, new ProtoWriter()).toByteArray());
        assertEquals(0, m.graph().nodes().size());
        assertEquals(-1, m.opset());
        assertNull(m.graph().initializer("nope"));
    }
}
