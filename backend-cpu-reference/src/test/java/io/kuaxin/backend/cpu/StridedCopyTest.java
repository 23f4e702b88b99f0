package io.kuaxin.backend.cpu;

import io.kuaxin.Device;
import io.kuaxin.Kuaxin;
import io.kuaxin.Ops;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** {@code Ops.copy} of strided views on the CPU, each element checked against index arithmetic done here. */
class StridedCopyTest {
    static Kuaxin kx;
    static Device cpu;

    @BeforeAll
    static void open() {
        kx = Kuaxin.open();
        cpu = kx.device("cpu");
    }

    @AfterAll
    static void close() { kx.close(); }

    static float[] values(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = i + 0.25f;
        return a;
    }

    @Test
    void mergingHeadsCopiesUnitStrideRows() {
        int b = 2, h = 3, t = 5, d = 4;
        float[] src = values(b * h * t * d);
        try (Scope s = cpu.scope()) {
            Tensor a = s.copyOf(src, Shape.of(b, h, t, d));            // [b, h, t, d]
            float[] got = Ops.copy(a.permute(0, 2, 1, 3)).toFloatArray(); // [b, t, h, d]
            int i = 0;
            for (int bi = 0; bi < b; bi++)
                for (int ti = 0; ti < t; ti++)
                    for (int hi = 0; hi < h; hi++)
                        for (int di = 0; di < d; di++, i++)
                            assertEquals(src[((bi * h + hi) * t + ti) * d + di], got[i], "element " + i);
        }
    }

    @Test
    void transposedAndSlicedViewsCopyElementByElement() {
        int r = 6, c = 7;
        float[] src = values(r * c);
        try (Scope s = cpu.scope()) {
            Tensor m = s.copyOf(src, Shape.of(r, c));
            float[] tr = Ops.copy(m.permute(1, 0)).toFloatArray();    // innermost stride c
            for (int j = 0; j < c; j++)
                for (int i = 0; i < r; i++) assertEquals(src[i * c + j], tr[j * r + i], "transpose " + j + "," + i);
            float[] sl = Ops.copy(m.slice(0, 1, 5).slice(1, 2, 6)).toFloatArray(); // offset, unit inner stride
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++) assertEquals(src[(i + 1) * c + j + 2], sl[i * 4 + j], "slice " + i + "," + j);
        }
    }

    @Test
    void broadcastViewsRepeatRows() {
        float[] src = values(3);
        try (Scope s = cpu.scope()) {
            Tensor row = s.copyOf(src, Shape.of(1, 3));
            float[] got = Ops.copy(row.expand(4, 3)).toFloatArray();
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 3; j++) assertEquals(src[j], got[i * 3 + j], "row " + i + " column " + j);
            Tensor col = s.copyOf(src, Shape.of(3, 1));
            float[] cols = Ops.copy(col.expand(3, 5)).toFloatArray(); // innermost stride 0
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 5; j++) assertEquals(src[i], cols[i * 5 + j], "row " + i + " column " + j);
            Tensor one = s.copyOf(new float[] {7.5f}, Shape.of(1));
            assertArrayEquals(new float[] {7.5f, 7.5f}, Ops.copy(one.expand(2)).toFloatArray());
        }
    }
}
