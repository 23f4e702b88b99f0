package io.kuaxin.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.kuaxin.InvalidArgumentException;
import io.kuaxin.op.Op;

class SupportMatrixTest {
    private static Result r(Case c, Status s) {
        return new Result(c, s, "", Double.NaN, Double.NaN, 0);
    }

    @Test
    void columnsFitTheirWidestCellAndBadInputIsASummaryLine() {
        Case f32 = Case.positive(Op.MATMUL, "f32", "a", List.of(), null, 1, (ctx, in) -> null);
        Case bf16 = Case.positive(Op.LAYER_NORM, "bf16", "b", List.of(), null, 1, (ctx, in) -> null);
        Case bad = Case.negative(Op.MATMUL, "shape", List.of(), InvalidArgumentException.class, "", (ctx, in) -> null);
        SupportMatrix m = new SupportMatrix("x", "x:0", "", List.of(r(f32, Status.PASS), r(bf16, Status.UNSUPPORTED),
                r(bad, Status.PASS), r(bad, Status.PASS)));
        String table = m.toTable();
        List<String> lines = table.lines().toList();
        assertFalse(lines.getFirst().contains("invalid"), table);
        // every cell starts where its header starts: no column overflows into the next
        int bf16Col = lines.getFirst().indexOf("bf16"), f32Col = lines.getFirst().indexOf("f32");
        String layer = lines.stream().filter(l -> l.startsWith("layer_norm")).findFirst().orElseThrow();
        assertEquals(bf16Col, layer.indexOf("unsupported"), table);
        assertEquals(' ', layer.charAt(f32Col - 1), table);
        assertEquals("-", layer.substring(f32Col).strip(), table);
        assertTrue(lines.getLast().startsWith("bad-input cases") && lines.getLast().endsWith("2 pass"), table);
    }
}
