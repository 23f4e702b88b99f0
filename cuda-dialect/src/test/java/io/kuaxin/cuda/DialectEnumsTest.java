package io.kuaxin.cuda;

import io.kuaxin.DType;
import org.junit.jupiter.api.Test;

import java.util.Map;

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

    @Test
    void respellingSwapsEveryPrefixAndKeepsTheNumbers() {
        DialectEnums cuda = DialectEnums.cuda();
        DialectEnums musa = cuda.toBuilder().respell("musa", "mublas").build();
        assertEquals(cuda.headerValues().size(), musa.headerValues().size());
        assertEquals(1, musa.headerValues().get("musaMemcpyHostToDevice"));
        assertEquals(600, musa.headerValues().get("musaErrorNotReady"));
        assertEquals(14, musa.headerValues().get("MUSA_R_16BF"));
        assertEquals(68, musa.headerValues().get("MUBLAS_COMPUTE_32F"));
        assertEquals(16, musa.headerValues().get("MUBLAS_STATUS_LICENSE_ERROR"));
        assertEquals(16, musa.headerValues().get("MUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION"));
        assertEquals("MUBLAS_STATUS_ALLOC_FAILED", musa.blasStatusName(3));
        assertTrue(musa.headerValues().keySet().stream().noneMatch(n -> n.toLowerCase().startsWith("cu")),
                musa::toString);
        assertEquals(cuda.opT(), musa.opT());
        assertEquals(cuda.computeF64(), musa.computeF64());
        assertEquals(cuda.mathModeExact(), musa.mathModeExact());
    }

    @Test
    void respellingRefusesANameWithoutACudaPrefix() {
        assertThrows(IllegalArgumentException.class,
                () -> DialectEnums.cuda().toBuilder().opN("HIPBLAS_OP_N", 111).respell("musa", "mublas"));
    }

    @Test
    void consecutiveStatusesAreNumberedLikeACEnum() {
        DialectEnums e = DialectEnums.cuda().toBuilder().clearBlasStatuses()
                .blasStatuses(0, "S_OK", "S_ONE", "S_TWO").blasStatus("S_ELEVEN", 11).build();
        assertEquals(Map.of(0, "S_OK", 1, "S_ONE", 2, "S_TWO", 11, "S_ELEVEN"), e.blasStatusNames());
        assertEquals("STATUS_3", e.blasStatusName(3));
    }

    @Test
    void aDroppedStatusLeavesTheTableAndAnUnknownOneIsRefused() {
        DialectEnums e = DialectEnums.cuda().toBuilder().withoutBlasStatus("CUBLAS_STATUS_LICENSE_ERROR").build();
        assertFalse(e.headerValues().containsKey("CUBLAS_STATUS_LICENSE_ERROR"));
        assertEquals("STATUS_16", e.blasStatusName(16));
        assertEquals("CUBLAS_STATUS_NOT_SUPPORTED", e.blasStatusName(15));
        assertThrows(IllegalArgumentException.class,
                () -> DialectEnums.cuda().toBuilder().withoutBlasStatus("CUBLAS_STATUS_NO_SUCH"));
    }
}
