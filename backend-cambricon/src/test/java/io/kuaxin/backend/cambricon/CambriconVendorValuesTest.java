package io.kuaxin.backend.cambricon;

import io.kuaxin.DType;
import io.kuaxin.FallbackPolicy;
import io.kuaxin.Kuaxin;
import io.kuaxin.Matmul;
import io.kuaxin.Ops;
import io.kuaxin.Scope;
import io.kuaxin.Shape;
import io.kuaxin.Tensor;
import io.kuaxin.UnsupportedOpException;
import io.kuaxin.emulators.HeaderValues;
import io.kuaxin.op.Op;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CNRT/CNNL numbers the binding passes, against the header subsets in native/include (read by the C compiler),
 * and the behaviours the public cnrt.h fixes: device attributes 0x205/0x206, both "pending" codes.
 */
class CambriconVendorValuesTest {
    private static final List<String> HEADERS = List.of("cambricon/cnrt.h", "cambricon/cnnl.h");

    @AfterEach
    void clear() {
        Emulator.CONTROL.clearFaults();
        setPendingCode(CambriconEvent.CNRT_ERROR_BUSY);
    }

    /** Every Java constant that is a CNRT/CNNL enum number, with the enumerator it stands for. */
    @Test
    void everyBoundNumberEqualsTheHeaderSubset() {
        Map<String, Integer> java = new LinkedHashMap<>();
        java.put("cnrtAttrClusterCount", CambriconDevice.CNRT_ATTR_CLUSTER_COUNT);
        java.put("cnrtAttrMcorePerCluster", CambriconDevice.CNRT_ATTR_MCORE_PER_CLUSTER);
        java.put("cnrtErrorNotReady", CambriconEvent.CNRT_ERROR_NOT_READY);
        java.put("cnrtErrorBusy", CambriconEvent.CNRT_ERROR_BUSY);
        java.put("cnrtErrorNoDevice", CambriconProvider.NO_DEVICE);
        java.put("cnrtErrorNoMem", CambriconErrors.CNRT_ERROR_NO_MEM);
        java.put("cnrtMemcpyHostToDev", CambriconStream.HOST_TO_DEV);
        java.put("cnrtMemcpyDevToDev", CambriconStream.DEV_TO_DEV);
        java.put("cnrtMemcpyDevToHost", CambriconStream.DEV_TO_HOST);
        java.put("CNNL_STATUS_ALLOC_FAILED", CambriconErrors.CNNL_STATUS_ALLOC_FAILED);
        java.put("CNNL_LAYOUT_ARRAY", CnnlDescs.CNNL_LAYOUT_ARRAY);
        java.put("CNNL_DTYPE_HALF", CnnlDescs.cnnlDataType(DType.F16));
        java.put("CNNL_DTYPE_FLOAT", CnnlDescs.cnnlDataType(DType.F32));
        java.put("CNNL_DTYPE_INT8", CnnlDescs.cnnlDataType(DType.I8));
        java.put("CNNL_DTYPE_INT32", CnnlDescs.cnnlDataType(DType.I32));
        java.put("CNNL_DTYPE_UINT8", CnnlDescs.cnnlDataType(DType.U8));
        java.put("CNNL_DTYPE_BOOL", CnnlDescs.cnnlDataType(DType.BOOL));
        java.put("CNNL_DTYPE_INT64", CnnlDescs.cnnlDataType(DType.I64));
        java.put("CNNL_DTYPE_DOUBLE", CnnlDescs.cnnlDataType(DType.F64));
        java.put("CNNL_DTYPE_BFLOAT16", CnnlDescs.cnnlDataType(DType.BF16));
        java.put("CNNL_MATMUL_DESC_COMPUTE_TYPE", CnnlMatmul.ATTR_COMPUTE_TYPE);
        java.put("CNNL_MATMUL_DESC_TRANSA", CnnlMatmul.ATTR_TRANSA);
        java.put("CNNL_MATMUL_DESC_TRANSB", CnnlMatmul.ATTR_TRANSB);
        java.put("CNNL_MATMUL_USE_BETA", CnnlMatmul.ATTR_USE_BETA);
        java.put("CNNL_OP_TENSOR_ADD", CnnlElementwise.OP_ADD);
        java.put("CNNL_OP_TENSOR_MUL", CnnlElementwise.OP_MUL);
        java.put("CNNL_OP_TENSOR_SUB", CnnlElementwise.OP_SUB);
        java.put("CNNL_ACTIVATION_RELU", CnnlElementwise.ACT_RELU);
        java.put("CNNL_ACTIVATION_TANH", CnnlElementwise.ACT_TANH);
        java.put("CNNL_ACTIVATION_GELU", CnnlElementwise.ACT_GELU);
        java.put("CNNL_ACTIVATION_SILU", CnnlElementwise.ACT_SILU);
        java.put("CNNL_COMPUTATION_HIGH_PRECISION", CnnlElementwise.HIGH_PRECISION);
        java.put("CNNL_NOT_PROPAGATE_NAN", CnnlElementwise.NOT_PROPAGATE_NAN);
        java.put("CNNL_SOFTMAX_ACCURATE", CnnlNorms.SOFTMAX_ACCURATE);
        java.put("CNNL_SOFTMAX_MODE_MEDIUM_DIMENSION", CnnlNorms.MODE_MEDIUM_DIMENSION);
        java.put("CNNL_ATTN_MASK_NONE", CnnlAttention.MASK_NONE);
        java.put("CNNL_ATTN_MASK_CAUSAL", CnnlAttention.MASK_CAUSAL);
        java.put("CNNL_ACTIVATION_HIGH_PRECISION", CnnlAttention.ACTIVATION_HIGH_PRECISION);
        HeaderValues.assertBound(HEADERS, java);
    }

    /** With the guessed attribute numbers (0 and 1) the emulator, like a real MLU, refuses the query. */
    @Test
    void deviceSetupReadsTheClusterShapeWithThePublicAttributeNumbers() throws Throwable {
        try (Kuaxin kx = Emulator.open(); Scope s = kx.device("mlu:0").scope()) {
            Map<String, String> p = s.device().info().properties();
            assertEquals("8", p.get("clusters"), p::toString);
            assertEquals("4", p.get("coresPerCluster"), p::toString);
        }
        try (CambriconProvider p = new CambriconProvider()) {
            assertTrue(p.probe().available());
            try (var dev = (CambriconDevice) p.open(0); Arena a = Arena.ofConfined()) {
                var v = a.allocate(JAVA_INT);
                int rc = (int) dev.s.cnrtDeviceGetAttribute.invokeExact(v, 0, 0);
                assertEquals(632009, rc, "cnrtErrorNoAttribute for attribute 0");
            }
        }
    }

    /** cnrtQueryNotifier says "pending" as cnrtErrorBusy (CNRT 6.0) or cnrtErrorNotReady (newer): both are "not yet". */
    @Test
    void aPendingNotifierIsNotCompleteUnderEitherCode() {
        for (int code : new int[]{CambriconEvent.CNRT_ERROR_BUSY, CambriconEvent.CNRT_ERROR_NOT_READY}) {
            assertEquals(0, setPendingCode(code));
            try (CambriconProvider p = new CambriconProvider()) {
                assertTrue(p.probe().available());
                try (var dev = p.open(0)) {
                    var st = dev.createStream();
                    var ev = st.recordEvent();
                    ev.synchronize();
                    Emulator.CONTROL.injectFault("cnrtQueryNotifier", 1, code); // the answer while it runs
                    assertFalse(ev.isComplete(), "code " + code);
                    assertTrue(ev.isComplete(), "complete once the work is done");
                    ev.close();
                    st.close();
                }
            }
        }
        assertEquals(-1, setPendingCode(5), "only the two pending codes");
    }

    @Test
    void castsAreRefusedUntilTheCastEnumNumbersAreKnown() {
        try (Kuaxin kx = Emulator.open(); Scope s = kx.device("mlu:0").scope()) {
            String why = s.device().unsupportedReason(Op.CAST, DType.F32);
            assertTrue(why != null && why.contains("129") && why.contains("219"), why);
            Tensor x = s.copyOf(new float[]{1.5f, -2}, Shape.of(2));
            UnsupportedOpException e = assertThrows(UnsupportedOpException.class,
                    () -> Ops.withFallback(FallbackPolicy.FAIL).cast(x, DType.F16));
            assertTrue(e.getMessage().contains("cnnlCastDataType_t"), e::getMessage);
            Tensor h = s.copyOf(new float[]{1, 2, 3, 4}, DType.F16, Shape.of(2, 2));
            UnsupportedOpException m = assertThrows(UnsupportedOpException.class,
                    () -> Ops.withFallback(FallbackPolicy.FAIL).matmul(h, h, Matmul.options().alpha(2f)));
            assertTrue(m.getMessage().contains("cast"), m::getMessage);
            assertEquals(List.of(7f, 10f, 15f, 22f), box(Ops.matmul(h, h).toFloatArray()), "a plain f16 matmul");
        }
    }

    private static List<Float> box(float[] v) {
        Float[] b = new Float[v.length];
        for (int i = 0; i < v.length; i++) b[i] = v[i];
        return List.of(b);
    }

    private static final MethodHandle SET_PENDING = Linker.nativeLinker().downcallHandle(
            SymbolLookup.libraryLookup(Emulator.LIBRARY, Arena.global()).find("kuaxin_emu_cnrt_set_pending_code")
                    .orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private static int setPendingCode(int code) {
        try {
            return (int) SET_PENDING.invokeExact(code);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
