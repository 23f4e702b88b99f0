package io.kuaxin.models.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Tiny protobuf encoder for hand-built test inputs. */
final class ProtoWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    ProtoWriter varint(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return this;
    }

    ProtoWriter tag(int field, int wireType) {
        return varint(((long) field << 3) | wireType);
    }

    ProtoWriter int64(int field, long v) {
        return tag(field, 0).varint(v);
    }

    ProtoWriter fixed32(int field, int bits) {
        tag(field, 5);
        for (int i = 0; i < 4; i++) {
            out.write((bits >>> (8 * i)) & 0xFF);
        }
        return this;
    }

    ProtoWriter float32(int field, float f) {
        return fixed32(field, Float.floatToRawIntBits(f));
    }

    ProtoWriter fixed64(int field, long bits) {
        tag(field, 1);
        for (int i = 0; i < 8; i++) {
            out.write((int) (bits >>> (8 * i)) & 0xFF);
        }
        return this;
    }

    ProtoWriter bytes(int field, byte[] b) {
        tag(field, 2).varint(b.length);
        out.writeBytes(b);
        return this;
    }

    ProtoWriter string(int field, String s) {
        return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    ProtoWriter message(int field, ProtoWriter m) {
        return bytes(field, m.toByteArray());
    }

    ProtoWriter packedVarints(int field, long... vs) {
        ProtoWriter p = new ProtoWriter();
        for (long v : vs) {
            p.varint(v);
        }
        return bytes(field, p.toByteArray());
    }

    ProtoWriter packedFloats(int field, float... fs) {
        byte[] b = new byte[fs.length * 4];
        for (int i = 0; i < fs.length; i++) {
            int bits = Float.floatToRawIntBits(fs[i]);
            for (int k = 0; k < 4; k++) {
                b[4 * i + k] = (byte) (bits >>> (8 * k));
            }
        }
        return bytes(field, b);
    }

    ProtoWriter raw(byte... b) {
        out.writeBytes(b);
        return this;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    static byte[] floatsLE(float... fs) {
        return new ProtoWriter().packedFloatsRaw(fs);
    }

    private byte[] packedFloatsRaw(float... fs) {
        byte[] b = new byte[fs.length * 4];
        for (int i = 0; i < fs.length; i++) {
            int bits = Float.floatToRawIntBits(fs[i]);
            for (int k = 0; k < 4; k++) {
                b[4 * i + k] = (byte) (bits >>> (8 * k));
            }
        }
        return b;
    }
}
