package io.kuaxin.models.onnx;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an ONNX {@code ModelProto} from its protobuf bytes with a small hand-written wire-format decoder (no
 * protobuf library). Unknown fields are skipped as protobuf requires; fields we do read must have the wire type
 * onnx.proto gives them, else an {@link OnnxFormatException} names the field and the byte offset.
 *
 * <p>Tensor payloads ({@code raw_data}) are not copied: {@link OnnxTensor#data()} slices the input segment, so
 * the segment must stay alive (its arena open) while tensors are used.
 */
public final class OnnxReader {
    private OnnxReader() {
    }

    /** Parses a model held in {@code bytes} (heap or native, any alignment). */
    public static OnnxModel read(MemorySegment bytes) {
        return readModel(new ProtoReader(bytes, 0, "ModelProto"));
    }

    public static OnnxModel read(byte[] bytes) {
        return read(MemorySegment.ofArray(bytes));
    }

    /** Memory-maps {@code file} read-only into {@code arena} and parses it; tensors stay valid while the arena is open. */
    public static OnnxModel read(Path file, Arena arena) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena));
        }
    }

    private static OnnxModel readModel(ProtoReader r) {
        long ir = 0;
        String producer = "";
        String producerVersion = "";
        String domain = "";
        long modelVersion = 0;
        Map<String, Long> opsets = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        OnnxGraph graph = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> ir = r.varint("ir_version");
                case 2 -> producer = r.string("producer_name");
                case 3 -> producerVersion = r.string("producer_version");
                case 4 -> domain = r.string("domain");
                case 5 -> modelVersion = r.varint("model_version");
                case 7 -> graph = readGraph(r.message("graph"));
                case 8 -> {
                    ProtoReader o = r.message("opset_import");
                    String d = "";
                    long v = 0;
                    while (o.next()) {
                        switch (o.field()) {
                            case 1 -> d = o.string("domain");
                            case 2 -> v = o.varint("version");
                            default -> o.skip();
                        }
                    }
                    opsets.put(d, v);
                }
                case 14 -> {
                    ProtoReader e = r.message("metadata_props");
                    String k = "";
                    String v = "";
                    while (e.next()) {
                        switch (e.field()) {
                            case 1 -> k = e.string("key");
                            case 2 -> v = e.string("value");
                            default -> e.skip();
                        }
                    }
                    metadata.put(k, v);
                }
                default -> r.skip();
            }
        }
        if (graph == null) {
            throw r.error("graph", 0, "ModelProto has no graph (is this an ONNX model file?)");
        }
        return new OnnxModel(ir, producer, producerVersion, domain, modelVersion, Map.copyOf(opsets),
                Map.copyOf(metadata), graph);
    }

    private static OnnxGraph readGraph(ProtoReader r) {
        String name = "";
        List<OnnxNode> nodes = new ArrayList<>();
        List<OnnxTensor> inits = new ArrayList<>();
        List<OnnxValueInfo> inputs = new ArrayList<>();
        List<OnnxValueInfo> outputs = new ArrayList<>();
        List<OnnxValueInfo> valueInfo = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> nodes.add(readNode(r.message("node"), nodes.size()));
                case 2 -> name = r.string("name");
                case 5 -> inits.add(readTensor(r.message("initializer")));
                case 11 -> inputs.add(readValueInfo(r.message("input")));
                case 12 -> outputs.add(readValueInfo(r.message("output")));
                case 13 -> valueInfo.add(readValueInfo(r.message("value_info")));
                default -> r.skip();
            }
        }
        return new OnnxGraph(name, nodes, inits, inputs, outputs, valueInfo);
    }

    private static OnnxNode readNode(ProtoReader r, int index) {
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        String name = "";
        String op = "";
        String domain = "";
        Map<String, OnnxAttribute> attrs = new LinkedHashMap<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> in.add(r.string("input"));
                case 2 -> out.add(r.string("output"));
                case 3 -> name = r.string("name");
                case 4 -> op = r.string("op_type");
                case 5 -> {
                    OnnxAttribute a = readAttribute(r.message("attribute"));
                    attrs.put(a.name(), a);
                }
                case 7 -> domain = r.string("domain");
                default -> r.skip();
            }
        }
        if (op.isEmpty()) {
            throw r.error("op_type", 0, "node #" + index + " ('" + name + "') has no op_type");
        }
        return new OnnxNode(index, name, op, domain, List.copyOf(in), List.copyOf(out),
                java.util.Collections.unmodifiableMap(attrs));
    }

    private static OnnxAttribute readAttribute(ProtoReader r) {
        String name = "";
        int typeCode = 0;
        float f = 0;
        long i = 0;
        String s = "";
        OnnxTensor t = null;
        OnnxGraph g = null;
        ProtoReader.FloatList floats = new ProtoReader.FloatList();
        ProtoReader.LongList ints = new ProtoReader.LongList();
        List<String> strings = new ArrayList<>();
        List<OnnxTensor> tensors = new ArrayList<>();
        List<OnnxGraph> graphs = new ArrayList<>();
        // Remember which value field was set, for old files that omit `type`.
        OnnxAttribute.Type seen = OnnxAttribute.Type.UNDEFINED;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> name = r.string("name");
                case 20 -> typeCode = r.int32("type");
                case 2 -> { f = r.fixedFloat("f"); seen = OnnxAttribute.Type.FLOAT; }
                case 3 -> { i = r.varint("i"); seen = OnnxAttribute.Type.INT; }
                case 4 -> { s = r.string("s"); seen = OnnxAttribute.Type.STRING; }
                case 5 -> { t = readTensor(r.message("t")); seen = OnnxAttribute.Type.TENSOR; }
                case 6 -> { g = readGraph(r.message("g")); seen = OnnxAttribute.Type.GRAPH; }
                case 7 -> { r.floats("floats", floats); seen = OnnxAttribute.Type.FLOATS; }
                case 8 -> { r.int64s("ints", ints); seen = OnnxAttribute.Type.INTS; }
                case 9 -> { strings.add(r.string("strings")); seen = OnnxAttribute.Type.STRINGS; }
                case 10 -> { tensors.add(readTensor(r.message("tensors"))); seen = OnnxAttribute.Type.TENSORS; }
                case 11 -> { graphs.add(readGraph(r.message("graphs"))); seen = OnnxAttribute.Type.GRAPHS; }
                default -> r.skip();
            }
        }
        OnnxAttribute.Type type = OnnxAttribute.Type.ofCode(typeCode);
        if (type == null) {
            throw r.error("type", 0, "attribute '" + name + "' has unknown type " + typeCode);
        }
        if (type == OnnxAttribute.Type.UNDEFINED) {
            type = seen;
        }
        return new OnnxAttribute(name, type, f, i, s, t, g, floats.toArray(), ints.toArray(), List.copyOf(strings),
                List.copyOf(tensors), List.copyOf(graphs));
    }

    private static OnnxTensor readTensor(ProtoReader r) {
        ProtoReader.LongList dims = new ProtoReader.LongList();
        int typeCode = 0;
        String name = "";
        MemorySegment raw = null;
        long rawOffset = -1;
        ProtoReader.FloatList floatData = null;
        ProtoReader.LongList int32Data = null;
        ProtoReader.LongList int64Data = null;
        ProtoReader.LongList uint64Data = null;
        ProtoReader.DoubleList doubleData = null;
        boolean external = false;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> r.int64s("dims", dims);
                case 2 -> typeCode = r.int32("data_type");
                case 4 -> r.floats("float_data", floatData = floatData == null ? new ProtoReader.FloatList() : floatData);
                case 5 -> r.int64s("int32_data", int32Data = int32Data == null ? new ProtoReader.LongList() : int32Data);
                case 7 -> r.int64s("int64_data", int64Data = int64Data == null ? new ProtoReader.LongList() : int64Data);
                case 8 -> name = r.string("name");
                case 9 -> {
                    raw = r.bytes("raw_data");
                    rawOffset = r.absolutePosition() - raw.byteSize();
                }
                case 10 -> r.doubles("double_data", doubleData = doubleData == null ? new ProtoReader.DoubleList() : doubleData);
                case 11 -> r.int64s("uint64_data", uint64Data = uint64Data == null ? new ProtoReader.LongList() : uint64Data);
                case 13 -> { r.skip(); external = true; }
                case 14 -> external |= r.int32("data_location") == 1;
                default -> r.skip(); // segment, string_data, doc_string, metadata
            }
        }
        long startOffset = r.absolutePosition(); // end of message; used for errors about the whole tensor
        OnnxDataType type = OnnxDataType.ofCode(typeCode);
        if (type == null || type == OnnxDataType.UNDEFINED) {
            throw new OnnxFormatException(r.message() + ".data_type", startOffset,
                    "tensor '" + name + "' has unsupported data_type " + typeCode);
        }
        if (external) {
            throw new OnnxFormatException(r.message() + ".external_data", startOffset,
                    "tensor '" + name + "' keeps its data in an external file, which this reader does not support");
        }
        long[] d = dims.toArray();
        long count = 1;
        for (long x : d) {
            if (x < 0) {
                throw new OnnxFormatException(r.message() + ".dims", startOffset,
                        "tensor '" + name + "' has negative dimension " + x);
            }
            count = Math.multiplyExact(count, x);
        }
        if (type == OnnxDataType.STRING || type.byteSize() == 0) {
            // Not needed for the models we load; keep the header, no data.
            return new OnnxTensor(name, d, type, MemorySegment.NULL, -1);
        }
        long expectedBytes = Math.multiplyExact(count, type.byteSize());
        if (raw != null) {
            if (raw.byteSize() != expectedBytes) {
                throw new OnnxFormatException(r.message() + ".raw_data", rawOffset, "tensor '" + name + "' " + type
                        + java.util.Arrays.toString(d) + " needs " + expectedBytes + " bytes but raw_data has " + raw.byteSize());
            }
            return new OnnxTensor(name, d, type, raw, rawOffset);
        }
        MemorySegment data = fromTypedField(r, name, type, count, floatData, int32Data, int64Data, uint64Data, doubleData,
                startOffset);
        return new OnnxTensor(name, d, type, data, -1);
    }

    private static MemorySegment fromTypedField(ProtoReader r, String name, OnnxDataType type, long count,
                                                ProtoReader.FloatList floatData, ProtoReader.LongList int32Data,
                                                ProtoReader.LongList int64Data, ProtoReader.LongList uint64Data,
                                                ProtoReader.DoubleList doubleData, long offset) {
        int n = Math.toIntExact(count);
        MemorySegment out = MemorySegment.ofArray(new byte[Math.toIntExact(Math.multiplyExact(count, type.byteSize()))]);
        ValueLayout.OfFloat f32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        ValueLayout.OfDouble f64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        ValueLayout.OfLong i64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        ValueLayout.OfInt i32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        ValueLayout.OfShort i16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        String field;
        int have;
        switch (type) {
            case FLOAT, COMPLEX64 -> {
                field = "float_data";
                have = floatData == null ? 0 : floatData.n;
                n = type == OnnxDataType.COMPLEX64 ? 2 * n : n;
                checkCount(r, field, name, n, have, offset);
                for (int k = 0; k < n; k++) {
                    out.setAtIndex(f32, k, floatData.a[k]);
                }
            }
            case DOUBLE, COMPLEX128 -> {
                field = "double_data";
                have = doubleData == null ? 0 : doubleData.n;
                n = type == OnnxDataType.COMPLEX128 ? 2 * n : n;
                checkCount(r, field, name, n, have, offset);
                for (int k = 0; k < n; k++) {
                    out.setAtIndex(f64, k, doubleData.a[k]);
                }
            }
            case INT64 -> {
                field = "int64_data";
                have = int64Data == null ? 0 : int64Data.n;
                checkCount(r, field, name, n, have, offset);
                for (int k = 0; k < n; k++) {
                    out.setAtIndex(i64, k, int64Data.a[k]);
                }
            }
            case UINT32, UINT64 -> {
                field = "uint64_data";
                have = uint64Data == null ? 0 : uint64Data.n;
                checkCount(r, field, name, n, have, offset);
                for (int k = 0; k < n; k++) {
                    if (type == OnnxDataType.UINT64) {
                        out.setAtIndex(i64, k, uint64Data.a[k]);
                    } else {
                        out.setAtIndex(i32, k, (int) uint64Data.a[k]);
                    }
                }
            }
            default -> {
                // int32_data carries all types of 32 bits or less (incl. fp16/bf16 bit patterns), one per int32.
                field = "int32_data";
                have = int32Data == null ? 0 : int32Data.n;
                checkCount(r, field, name, n, have, offset);
                for (int k = 0; k < n; k++) {
                    long v = int32Data.a[k];
                    switch (type.byteSize()) {
                        case 4 -> out.setAtIndex(i32, k, (int) v);
                        case 2 -> out.setAtIndex(i16, k, (short) v);
                        default -> out.set(ValueLayout.JAVA_BYTE, k, (byte) v);
                    }
                }
            }
        }
        return out;
    }

    private static void checkCount(ProtoReader r, String field, String name, int expected, int have, long offset) {
        if (expected != have) {
            throw new OnnxFormatException(r.message() + "." + field, offset,
                    "tensor '" + name + "' needs " + expected + " values but has " + have
                            + (have == 0 ? " (no raw_data either)" : ""));
        }
    }

    private static OnnxValueInfo readValueInfo(ProtoReader r) {
        String name = "";
        OnnxDataType elem = null;
        boolean shapeKnown = false;
        List<OnnxValueInfo.Dim> shape = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> name = r.string("name");
                case 2 -> {
                    ProtoReader type = r.message("type");
                    while (type.next()) {
                        if (type.field() != 1) { // only tensor_type
                            type.skip();
                            continue;
                        }
                        ProtoReader tensor = type.message("tensor_type");
                        while (tensor.next()) {
                            switch (tensor.field()) {
                                case 1 -> elem = OnnxDataType.ofCode(tensor.int32("elem_type"));
                                case 2 -> {
                                    shapeKnown = true;
                                    ProtoReader sh = tensor.message("shape");
                                    while (sh.next()) {
                                        if (sh.field() != 1) {
                                            sh.skip();
                                            continue;
                                        }
                                        shape.add(readDim(sh.message("dim")));
                                    }
                                }
                                default -> tensor.skip();
                            }
                        }
                    }
                }
                default -> r.skip();
            }
        }
        return new OnnxValueInfo(name, elem, shapeKnown, List.copyOf(shape));
    }

    private static OnnxValueInfo.Dim readDim(ProtoReader r) {
        long value = -1;
        String param = "";
        while (r.next()) {
            switch (r.field()) {
                case 1 -> value = r.varint("dim_value");
                case 2 -> param = r.string("dim_param");
                default -> r.skip();
            }
        }
        return new OnnxValueInfo.Dim(value, param);
    }
}
