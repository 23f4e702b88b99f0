package io.kuaxin.cuda;

import io.kuaxin.DType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The table's bookkeeping: every number has its header name, replaced entries leave no stale name behind. */
class DialectEnumsTest {
    @Test
    void aMissingRoleIsNamed() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> DialectEnums.builder().opN("CUBLAS_OP_N", 0).build());
        assertTrue(e.getMessage().contains("OP_T") && e.getMessage().contains("MEMCPY_H2D"), e::getMessage);
    }

    @Test
    void theLegacyComputeTableReplacesTheComputeNames() {
        DialectEnums legacy = DialectEnums.cudaLegacyCompute();
        assertEquals(0, legacy.computeF32());
        assertEquals(1, legacy.computeF64());
        assertFalse(legacy.headerValues().containsKey("CUBLAS_COMPUTE_32F"), legacy::toString);
        assertEquals(0, legacy.headerValues().get("CUDA_R_32F"));
        assertFalse(legacy.hasExactReductionSwitch());
        assertFalse(legacy.headerValues().containsKey("CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION"));
        DialectEnums cuda = DialectEnums.cuda();
        assertEquals(68, cuda.headerValues().get("CUBLAS_COMPUTE_32F"));
        assertEquals(16, cuda.mathModeExact());
        assertNull(cuda.noExactReduction());
    }

    @Test
    void anUnsupportedGemmTypeDropsItsNumbersAndKeepsTheReason() {
        DialectEnums e = DialectEnums.cuda().toBuilder().unsupportedGemmType(DType.F64, "no 64F").build();
        assertNull(e.dataType(DType.F64));
        assertEquals("no 64F", e.unsupportedGemmType(DType.F64));
        assertFalse(e.headerValues().containsKey("CUDA_R_64F"));
        assertFalse(e.headerValues().containsKey("CUBLAS_COMPUTE_64F"));
    }

    @Test
    void oneNameCannotCarryTwoNumbers() {
        assertThrows(IllegalStateException.class,
                () -> DialectEnums.cuda().toBuilder().opT("CUBLAS_OP_N", 1).build());
    }
}
