package io.kuaxin.backend.cambricon;

import io.kuaxin.spi.ffm.Native;
import io.kuaxin.spi.ffm.SymbolBinder;
import io.kuaxin.spi.ffm.VendorLibraries;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Every CNRT and CNNL downcall Kuaxin makes, bound when the libraries are loaded (signatures from
 * {@code native/include/cambricon/*.h}); a missing symbol fails construction naming all of them, so the backend is
 * unavailable at probe time. The error-string functions are bound first. Loaded once per process and library pair
 * (vendor runtimes are not unloaded while their threads live). Thread-safe.
 */
final class CambriconSymbols {
    static final String BACKEND = "mlu";
    /** Where Neuware lives, and the roles of its two libraries. */
    static final VendorLibraries.Sdk SDK = new VendorLibraries.Sdk(BACKEND, "cambricon", List.of("NEUWARE_HOME"),
            List.of("/usr/local/neuware"), "install Neuware (CNToolkit + CNNL)");
    static final String CNRT = "cnrt", CNNL = "cnnl";

    private static final Map<Map<String, Path>, CambriconSymbols> LOADED = new ConcurrentHashMap<>();
    private static final MemoryLayout A = ADDRESS, I = JAVA_INT, L = JAVA_LONG, F = JAVA_FLOAT, B = JAVA_BOOLEAN;

    final Path cnrtLibrary;
    final boolean emulated;
    final CambriconErrors errors = new CambriconErrors(this);
    /** Which device each thread made current with cnrtSetDevice. */
    final ThreadLocal<int[]> current = ThreadLocal.withInitial(() -> new int[] {-1});

    // CNRT
    final MethodHandle cnrtGetErrorStr, cnrtGetDeviceCount, cnrtSetDevice, cnrtSyncDevice, cnrtGetDeviceProperties,
            cnrtDeviceGetAttribute, cnrtMemGetInfo, cnrtMalloc, cnrtFree, cnrtHostMalloc, cnrtFreeHost, cnrtMemcpy,
            cnrtMemcpyAsync_V3, cnrtMemsetAsync, cnrtQueueCreate, cnrtQueueDestroy, cnrtQueueSync,
            cnrtQueueWaitNotifier, cnrtNotifierCreate, cnrtNotifierDestroy, cnrtPlaceNotifier, cnrtWaitNotifier,
            cnrtQueryNotifier, cnrtNotifierElapsedTime;
    // CNNL
    final MethodHandle cnnlGetErrorString, cnnlCreate, cnnlDestroy, cnnlSetQueue, cnnlCreateTensorDescriptor,
            cnnlDestroyTensorDescriptor, cnnlSetTensorDescriptorEx_v2, cnnlCreateMatMulDescriptor,
            cnnlDestroyMatMulDescriptor, cnnlCreateMatMulAlgo, cnnlDestroyMatMulAlgo, cnnlCreateMatMulHeuristicResult,
            cnnlDestroyMatMulHeuristicResult, cnnlSetMatMulDescAttr, cnnlGetMatMulAlgoHeuristic,
            cnnlGetMatMulHeuristicResult, cnnlMatMul_v2, cnnlGetBatchMatMulExAlgoHeuristic,
            cnnlGetBatchMatMulExHeuristicResult, cnnlBatchMatMulEx, cnnlCreateFlashAttentionDescriptor,
            cnnlDestroyFlashAttentionDescriptor, cnnlSetFlashAttentionDescriptor,
            cnnlGetFlashAttentionForwardWorkspaceSize, cnnlFlashAttentionForward, cnnlSoftmaxForward_v2,
            cnnlGetLayerNormOpWorkspaceSize, cnnlLayerNormForward, cnnlGetRmsNormOpWorkspaceSize, cnnlRmsNormForward,
            cnnlCastDataType, cnnlCreateOpTensorDescriptor, cnnlDestroyOpTensorDescriptor, cnnlSetOpTensorDescriptor,
            cnnlGetOpTensorWorkspaceSize, cnnlOpTensor, cnnlCreateActivationDescriptor,
            cnnlDestroyActivationDescriptor, cnnlSetActivationDescriptor_v2, cnnlActivationForward;

    static CambriconSymbols load(VendorLibraries libs) {
        Map<String, Path> key = libs.paths();
        CambriconSymbols s = LOADED.get(key);
        if (s != null) return s;
        synchronized (LOADED) {
            return LOADED.computeIfAbsent(key, k -> new CambriconSymbols(libs));
        }
    }

    private CambriconSymbols(VendorLibraries libs) {
        this.cnrtLibrary = libs.path(CNRT);
        this.emulated = libs.emulated();
        Path cnnlLibrary = libs.path(CNNL);
        SymbolLookup rtL = libs.lookup(CNRT); // never unloaded, see the class comment
        SymbolLookup nnL = libs.lookup(CNNL);
        SymbolBinder rt = new SymbolBinder(rtL, cnrtLibrary.toString());
        SymbolBinder nn = new SymbolBinder(nnL, cnnlLibrary.toString());

        cnrtGetErrorStr = rt.bind("cnrtGetErrorStr", FunctionDescriptor.of(A, I));
        cnrtGetDeviceCount = rt.bind("cnrtGetDeviceCount", fd(A));
        cnrtSetDevice = rt.bind("cnrtSetDevice", fd(I));
        cnrtSyncDevice = rt.bind("cnrtSyncDevice", fd());
        cnrtGetDeviceProperties = rt.bind("cnrtGetDeviceProperties", fd(A, I));
        cnrtDeviceGetAttribute = rt.bind("cnrtDeviceGetAttribute", fd(A, I, I));
        cnrtMemGetInfo = rt.bind("cnrtMemGetInfo", fd(A, A));
        cnrtMalloc = rt.bind("cnrtMalloc", fd(A, L));
        cnrtFree = rt.bind("cnrtFree", fd(A));
        cnrtHostMalloc = rt.bind("cnrtHostMalloc", fd(A, L));
        cnrtFreeHost = rt.bind("cnrtFreeHost", fd(A));
        cnrtMemcpy = rt.bind("cnrtMemcpy", fd(A, A, L, I));
        cnrtMemcpyAsync_V3 = rt.bind("cnrtMemcpyAsync_V3", fd(A, A, L, A, I)); // queue BEFORE direction
        cnrtMemsetAsync = rt.bind("cnrtMemsetAsync", fd(A, I, L, A));
        cnrtQueueCreate = rt.bind("cnrtQueueCreate", fd(A));
        cnrtQueueDestroy = rt.bind("cnrtQueueDestroy", fd(A));
        cnrtQueueSync = rt.bind("cnrtQueueSync", fd(A));
        cnrtQueueWaitNotifier = rt.bind("cnrtQueueWaitNotifier", fd(A, A, I)); // notifier first
        cnrtNotifierCreate = rt.bind("cnrtNotifierCreate", fd(A));
        cnrtNotifierDestroy = rt.bind("cnrtNotifierDestroy", fd(A));
        cnrtPlaceNotifier = rt.bind("cnrtPlaceNotifier", fd(A, A));
        cnrtWaitNotifier = rt.bind("cnrtWaitNotifier", fd(A));
        cnrtQueryNotifier = rt.bind("cnrtQueryNotifier", fd(A));
        cnrtNotifierElapsedTime = rt.bind("cnrtNotifierElapsedTime", fd(A, A, A)); // ms (not the µs Duration)

        cnnlGetErrorString = nn.bind("cnnlGetErrorString", FunctionDescriptor.of(A, I));
        cnnlCreate = nn.bind("cnnlCreate", fd(A));
        cnnlDestroy = nn.bind("cnnlDestroy", fd(A));
        cnnlSetQueue = nn.bind("cnnlSetQueue", fd(A, A));
        cnnlCreateTensorDescriptor = nn.bind("cnnlCreateTensorDescriptor", fd(A));
        cnnlDestroyTensorDescriptor = nn.bind("cnnlDestroyTensorDescriptor", fd(A));
        cnnlSetTensorDescriptorEx_v2 = nn.bind("cnnlSetTensorDescriptorEx_v2", fd(A, I, I, I, A, A));
        cnnlCreateMatMulDescriptor = nn.bind("cnnlCreateMatMulDescriptor", fd(A));
        cnnlDestroyMatMulDescriptor = nn.bind("cnnlDestroyMatMulDescriptor", fd(A));
        cnnlCreateMatMulAlgo = nn.bind("cnnlCreateMatMulAlgo", fd(A));
        cnnlDestroyMatMulAlgo = nn.bind("cnnlDestroyMatMulAlgo", fd(A));
        cnnlCreateMatMulHeuristicResult = nn.bind("cnnlCreateMatMulHeuristicResult", fd(A));
        cnnlDestroyMatMulHeuristicResult = nn.bind("cnnlDestroyMatMulHeuristicResult", fd(A));
        cnnlSetMatMulDescAttr = nn.bind("cnnlSetMatMulDescAttr", fd(A, I, A, L));
        cnnlGetMatMulAlgoHeuristic = nn.bind("cnnlGetMatMulAlgoHeuristic", fd(A, A, A, A, A, A, A, I, A, A));
        cnnlGetMatMulHeuristicResult = nn.bind("cnnlGetMatMulHeuristicResult", fd(A, A, A));
        cnnlMatMul_v2 = nn.bind("cnnlMatMul_v2", fd(A, A, A, A, A, A, A, A, A, A, A, A, L, A, A));
        cnnlGetBatchMatMulExAlgoHeuristic = nn.bind("cnnlGetBatchMatMulExAlgoHeuristic", fd(A, A, A, A, A, A, I, A, A));
        cnnlGetBatchMatMulExHeuristicResult = nn.bind("cnnlGetBatchMatMulExHeuristicResult", fd(A, A, A));
        cnnlBatchMatMulEx = nn.bind("cnnlBatchMatMulEx", fd(A, A, A, A, A, A, A, A, A, A, A, A, L));
        cnnlCreateFlashAttentionDescriptor = nn.bind("cnnlCreateFlashAttentionDescriptor", fd(A));
        cnnlDestroyFlashAttentionDescriptor = nn.bind("cnnlDestroyFlashAttentionDescriptor", fd(A));
        cnnlSetFlashAttentionDescriptor = nn.bind("cnnlSetFlashAttentionDescriptor", fd(A, I, I, I, B, B, B, I, I, F, F));
        cnnlGetFlashAttentionForwardWorkspaceSize = nn.bind("cnnlGetFlashAttentionForwardWorkspaceSize",
                fd(A, A, A, A, A, A));
        cnnlFlashAttentionForward = nn.bind("cnnlFlashAttentionForward",
                fd(A, A, A, A, A, A, A, A, A, A, A, A, A, A, L, A, A, A, A, A, A));
        cnnlSoftmaxForward_v2 = nn.bind("cnnlSoftmaxForward_v2", fd(A, I, I, I, A, A, A, A, A, A));
        cnnlGetLayerNormOpWorkspaceSize = nn.bind("cnnlGetLayerNormOpWorkspaceSize", fd(A, I, A, A));
        cnnlLayerNormForward = nn.bind("cnnlLayerNormForward", fd(A, A, A, I, A, A, A, F, A, L, A, A, A, A, A));
        cnnlGetRmsNormOpWorkspaceSize = nn.bind("cnnlGetRmsNormOpWorkspaceSize", fd(A, I, A, A));
        cnnlRmsNormForward = nn.bind("cnnlRmsNormForward", fd(A, I, A, A, A, A, A, F, A, L, A, A, A, A));
        cnnlCastDataType = nn.bind("cnnlCastDataType", fd(A, A, A, I, A, A));
        cnnlCreateOpTensorDescriptor = nn.bind("cnnlCreateOpTensorDescriptor", fd(A));
        cnnlDestroyOpTensorDescriptor = nn.bind("cnnlDestroyOpTensorDescriptor", fd(A));
        cnnlSetOpTensorDescriptor = nn.bind("cnnlSetOpTensorDescriptor", fd(A, I, I, I));
        cnnlGetOpTensorWorkspaceSize = nn.bind("cnnlGetOpTensorWorkspaceSize", fd(A, A, A, A, A));
        cnnlOpTensor = nn.bind("cnnlOpTensor", fd(A, A, A, A, A, A, A, A, A, L, A, A, A));
        cnnlCreateActivationDescriptor = nn.bind("cnnlCreateActivationDescriptor", fd(A));
        cnnlDestroyActivationDescriptor = nn.bind("cnnlDestroyActivationDescriptor", fd(A));
        cnnlSetActivationDescriptor_v2 = nn.bind("cnnlSetActivationDescriptor_v2", fd(A, I, I, I, F));
        cnnlActivationForward = nn.bind("cnnlActivationForward", fd(A, A, A, A, A, A, A, A));

        List<String> missing = new ArrayList<>(rt.missing());
        missing.addAll(nn.missing());
        if (!missing.isEmpty()) {
            throw new SymbolBinder.MissingSymbolsException(cnrtLibrary.equals(cnnlLibrary) ? cnrtLibrary.toString()
                    : "the Neuware libraries", missing);
        }
    }

    private static FunctionDescriptor fd(MemoryLayout... args) { return FunctionDescriptor.of(JAVA_INT, args); }

    /** Makes {@code device} current on the calling thread if it is not already (cnrtSetDevice). */
    void bind(int device) {
        int[] c = current.get();
        if (c[0] == device) return;
        int rc = Native.status(() -> (int) cnrtSetDevice.invokeExact(device));
        errors.check(rc, "cnrtSetDevice");
        c[0] = device;
    }

    String cnrtMessage(int rc) {
        try {
            return Native.string((MemorySegment) cnrtGetErrorStr.invokeExact(rc));
        } catch (Throwable t) {
            return "";
        }
    }

    String cnnlMessage(int st) {
        try {
            return Native.string((MemorySegment) cnnlGetErrorString.invokeExact(st));
        } catch (Throwable t) {
            return "";
        }
    }
}
