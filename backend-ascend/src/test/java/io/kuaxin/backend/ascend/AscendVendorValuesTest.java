package io.kuaxin.backend.ascend;

import io.kuaxin.DType;
import io.kuaxin.Kuaxin;
import io.kuaxin.Ops;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import io.kuaxin.VendorException;
import io.kuaxin.emulators.HeaderValues;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The AscendCL/aclnn numbers the binding passes, against the header subsets in native/include (read by the C
 * compiler), and the per-SoC cubeMathType rule the aclnnMatmul documentation states.
 */
class AscendVendorValuesTest {
    private static final List<String> HEADERS = List.of("ascend/acl.h", "ascend/acl_base.h", "ascend/acl_rt.h",
            "ascend/acl_meta.h", "ascend/aclnn_ops.h");

    @AfterEach
    void reset() {
        setSoc(null);
        System.clearProperty("kuaxin.ascend.cubeMathType");
    }

    /** Every Java constant that is an AscendCL/aclnn enum number, with the enumerator it stands for. */
    @Test
    void everyBoundNumberEqualsTheHeaderSubset() {
        Map<String, Integer> java = new LinkedHashMap<>();
        java.put("ACL_MEMCPY_HOST_TO_DEVICE", AscendStream.ACL_MEMCPY_HOST_TO_DEVICE);
        java.put("ACL_MEMCPY_DEVICE_TO_HOST", AscendStream.ACL_MEMCPY_DEVICE_TO_HOST);
        java.put("ACL_MEMCPY_DEVICE_TO_DEVICE", AscendStream.ACL_MEMCPY_DEVICE_TO_DEVICE);
        java.put("ACL_MEM_MALLOC_HUGE_FIRST", AscendDevice.ACL_MEM_MALLOC_HUGE_FIRST);
        java.put("ACL_HBM_MEM", AscendDevice.ACL_HBM_MEM);
        java.put("ACL_EVENT_RECORDED_STATUS_COMPLETE", AscendEvent.ACL_EVENT_RECORDED_STATUS_COMPLETE);
        java.put("ACL_SUCCESS", AscendErrors.ACL_SUCCESS);
        java.put("ACL_ERROR_INVALID_PARAM", AscendErrors.ACL_ERROR_INVALID_PARAM);
        java.put("ACL_ERROR_UNINITIALIZE", AscendErrors.ACL_ERROR_UNINITIALIZE);
        java.put("ACL_ERROR_REPEAT_INITIALIZE", AscendErrors.ACL_ERROR_REPEAT_INITIALIZE);
        java.put("ACL_ERROR_BAD_ALLOC", AscendErrors.ACL_ERROR_BAD_ALLOC);
        java.put("ACL_ERROR_RT_MEMORY_ALLOCATION", AscendErrors.ACL_ERROR_RT_MEMORY_ALLOCATION);
        java.put("ACLNN_ERR_PARAM_NULLPTR", AscendErrors.ACLNN_ERR_PARAM_NULLPTR);
        java.put("ACLNN_ERR_PARAM_INVALID", AscendErrors.ACLNN_ERR_PARAM_INVALID);
        java.put("ACLNN_ERR_RUNTIME_ERROR", AscendErrors.ACLNN_ERR_RUNTIME_ERROR);
        java.put("ACL_FORMAT_ND", AclArgs.ACL_FORMAT_ND);
        java.put("ACL_FLOAT", AclArgs.aclDataType(DType.F32));
        java.put("ACL_FLOAT16", AclArgs.aclDataType(DType.F16));
        java.put("ACL_INT8", AclArgs.aclDataType(DType.I8));
        java.put("ACL_INT32", AclArgs.aclDataType(DType.I32));
        java.put("ACL_UINT8", AclArgs.aclDataType(DType.U8));
        java.put("ACL_INT64", AclArgs.aclDataType(DType.I64));
        java.put("ACL_DOUBLE", AclArgs.aclDataType(DType.F64));
        java.put("ACL_BOOL", AclArgs.aclDataType(DType.BOOL));
        java.put("ACL_BF16", AclArgs.aclDataType(DType.BF16));
        java.put("KX_CUBE_KEEP_DTYPE", AscendMatmul.KEEP_DTYPE);
        java.put("KX_CUBE_ALLOW_FP32_DOWN_PRECISION", AscendMatmul.ALLOW_FP32_DOWN_PRECISION);
        java.put("ACL_FRACTAL_Z_3D", 33); // the header's spelling (no FORMAT_), not bound but named in the subset
        HeaderValues.assertBound(HEADERS, java);
    }

    @Test
    void socNamesWithoutFp32KeepDtype() {
        for (String soc : List.of("Ascend910A", "Ascend910ProA", "Ascend910ProB", "Ascend910PremiumA", "Ascend910",
                "Ascend310P3", "Ascend910A-kuaxin-emu")) {
            assertTrue(AscendMatmul.lacksFp32KeepDtype(soc), soc);
        }
        for (String soc : List.of("Ascend910B1", "Ascend910B4-1", "Ascend910_9391", "Ascend310B1", "")) {
            assertFalse(AscendMatmul.lacksFp32KeepDtype(soc), soc);
        }
    }

    /** On a 910 (A) the f32 matmul passes ALLOW_FP32_DOWN_PRECISION and says so; KEEP_DTYPE would be refused. */
    @Test
    void f32MatmulChoosesCubeMathTypePerSoc() {
        setSoc("Ascend910A-kuaxin-emu");
        try (Kuaxin kx = Emulator.open(); Scope s = kx.device("ascend:0").scope()) {
            Tensor a = s.copyOf(new float[]{1, 2, 3, 4}, Shape.of(2, 2));
            Tensor y = Ops.matmul(a, a);
            assertArrayEquals(new float[]{7, 10, 15, 22}, y.toFloatArray());
            assertTrue(y.provenance().kernel().contains("cubeMathType 1: f32 computed in f16 on Ascend910A"),
                    y.provenance()::toString);
            Tensor h = s.copyOf(new float[]{1, 2, 3, 4}, DType.F16, Shape.of(2, 2));
            assertEquals("aclnnMatmul", Ops.matmul(h, h).provenance().kernel(), "f16 keeps KEEP_DTYPE");
            System.setProperty("kuaxin.ascend.cubeMathType", "0");
            VendorException e = assertThrows(VendorException.class, () -> Ops.matmul(a, a).toFloatArray());
            assertTrue(e.getMessage().contains("KEEP_DTYPE"), e::getMessage);
        }
        setSoc(null);
        try (Kuaxin kx = Emulator.open(); Scope s = kx.device("ascend:0").scope()) {
            Tensor a = s.copyOf(new float[]{1, 2, 3, 4}, Shape.of(2, 2));
            assertEquals("aclnnMatmul", Ops.matmul(a, a).provenance().kernel(), "910B keeps f32 on the cube unit");
        }
    }

    private static final MethodHandle SET_SOC = Linker.nativeLinker().downcallHandle(
            SymbolLookup.libraryLookup(Emulator.LIBRARY, Arena.global()).find("kuaxin_emu_ascend_set_soc")
                    .orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private static void setSoc(String soc) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment name = soc == null ? MemorySegment.NULL : a.allocateFrom(soc);
            int rc = (int) SET_SOC.invokeExact(name);
            assertEquals(0, rc);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
