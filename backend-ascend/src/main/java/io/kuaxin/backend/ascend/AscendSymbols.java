package io.kuaxin.backend.ascend;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Every AscendCL / aclnn downcall Kuaxin makes, bound once when the libraries are loaded. A missing required
 * symbol fails construction with {@link SymbolBinder.MissingSymbolsException} naming all of them, so the backend is
 * unavailable at probe time rather than failing on first use. Signatures follow {@code native/include/ascend/*.h}.
 *
 * <p>Loaded once per process and library set ({@link #load}, {@link VendorLibraries#lookup}): vendor runtimes are
 * not safe to unload while threads they created are alive, so the libraries stay mapped for the life of the
 * process, as with {@link System#loadLibrary}. {@link #SDK} and the role names say where the libraries are. Thread-safe: the handles are immutable.
 */
final class AscendSymbols {
    static final String BACKEND = "ascend";
    /** Where CANN lives: SDK roots, in the order CANN's set_env.sh and other projects (ggml-cann, InfiniCore) use them. */
    static final VendorLibraries.Sdk SDK = new VendorLibraries.Sdk(BACKEND, "ascend",
            List.of("ASCEND_HOME_PATH", "ASCEND_TOOLKIT_HOME", "ASCEND_HOME"),
            List.of("/usr/local/Ascend/ascend-toolkit/latest"), "install CANN and source set_env.sh");
    static final String RUNTIME = "runtime", NNOPBASE = "nnopbase", OPAPI = "opapi";

    private static final Map<Map<String, Path>, AscendSymbols> LOADED = new ConcurrentHashMap<>();

    final Path runtimeLibrary;
    final boolean emulated;
    /** Process-wide aclInit reference count for this library (aclInit may run once per process). */
    final AclContext context = new AclContext(this);

    // libascendcl.so: errors first, so later failures can always be described
    final MethodHandle aclGetRecentErrMsg, aclInit, aclFinalize;
    final MethodHandle aclrtGetDeviceCount, aclrtSetDevice, aclrtResetDevice, aclrtSynchronizeDevice,
            aclrtGetSocName, aclrtGetMemInfo;
    final Optional<MethodHandle> aclrtGetDeviceUtilizationRate;
    final MethodHandle aclrtMalloc, aclrtFree, aclrtMallocHost, aclrtFreeHost, aclrtMemcpy, aclrtMemcpyAsync,
            aclrtMemset, aclrtMemsetAsync;
    final MethodHandle aclrtCreateStream, aclrtDestroyStream, aclrtSynchronizeStream, aclrtStreamWaitEvent;
    final MethodHandle aclrtCreateEvent, aclrtDestroyEvent, aclrtRecordEvent, aclrtSynchronizeEvent,
            aclrtQueryEventStatus, aclrtEventElapsedTime;
    // libnnopbase.so
    final MethodHandle aclCreateTensor, aclDestroyTensor, aclCreateScalar, aclDestroyScalar, aclCreateIntArray,
            aclDestroyIntArray, aclCreateTensorList, aclDestroyTensorList, aclSetAclOpExecutorRepeatable,
            aclDestroyAclOpExecutor, aclSetInputTensorAddr, aclSetOutputTensorAddr;
    // libopapi.so: phase one of each op (phase two handles are in `execute`)
    final MethodHandle matmulWs, batchMatMulWs, pfaV3Ws, ifaV4Ws, softmaxWs, layerNormWs, rmsNormWs, addWs, subWs,
            mulWs, divWs, siluWs, geluV2Ws, reluWs, expWs, castWs;
    private final Map<String, MethodHandle> execute = new HashMap<>();

    /** Names of the aclnn ops whose phase-two entry points are bound. */
    static final List<String> OPS = List.of("aclnnMatmul", "aclnnBatchMatMul", "aclnnPromptFlashAttentionV3",
            "aclnnIncreFlashAttentionV4", "aclnnSoftmax", "aclnnLayerNorm", "aclnnRmsNorm", "aclnnAdd", "aclnnSub",
            "aclnnMul", "aclnnDiv", "aclnnSilu", "aclnnGeluV2", "aclnnRelu", "aclnnExp", "aclnnCast");

    /**
     * The symbols of this library set, loading it on first use.
     *
     * @throws SymbolBinder.MissingSymbolsException if a required symbol is missing
     * @throws IllegalArgumentException             if a file is not a loadable library
     */
    static AscendSymbols load(VendorLibraries libs) {
        Map<String, Path> key = libs.paths();
        AscendSymbols s = LOADED.get(key);
        if (s != null) return s;
        synchronized (LOADED) {
            return LOADED.computeIfAbsent(key, k -> new AscendSymbols(libs));
        }
    }

    private AscendSymbols(VendorLibraries libs) {
        this.runtimeLibrary = libs.path(RUNTIME);
        this.emulated = libs.emulated();
        Path nnopbase = libs.path(NNOPBASE), opapi = libs.path(OPAPI);
        SymbolLookup rtLookup = libs.lookup(RUNTIME); // see the class comment: never unloaded
        SymbolLookup nnLookup = libs.lookup(NNOPBASE);
        SymbolLookup opLookup = libs.lookup(OPAPI);
        SymbolBinder rt = new SymbolBinder(rtLookup, runtimeLibrary.toString());
        SymbolBinder nn = new SymbolBinder(nnLookup, nnopbase.toString());
        SymbolBinder op = new SymbolBinder(opLookup, opapi.toString());

        aclGetRecentErrMsg = rt.bind("aclGetRecentErrMsg", FunctionDescriptor.of(ADDRESS));
        aclInit = rt.bind("aclInit", fd(ADDRESS));
        aclFinalize = rt.bind("aclFinalize", fd());
        aclrtGetDeviceCount = rt.bind("aclrtGetDeviceCount", fd(ADDRESS));
        aclrtSetDevice = rt.bind("aclrtSetDevice", fd(JAVA_INT));
        aclrtResetDevice = rt.bind("aclrtResetDevice", fd(JAVA_INT));
        aclrtSynchronizeDevice = rt.bind("aclrtSynchronizeDevice", fd());
        aclrtGetSocName = rt.bind("aclrtGetSocName", FunctionDescriptor.of(ADDRESS));
        aclrtGetMemInfo = rt.bind("aclrtGetMemInfo", fd(JAVA_INT, ADDRESS, ADDRESS));
        aclrtGetDeviceUtilizationRate = rt.optional("aclrtGetDeviceUtilizationRate", fd(JAVA_INT, ADDRESS));
        aclrtMalloc = rt.bind("aclrtMalloc", fd(ADDRESS, JAVA_LONG, JAVA_INT));
        aclrtFree = rt.bind("aclrtFree", fd(ADDRESS));
        aclrtMallocHost = rt.bind("aclrtMallocHost", fd(ADDRESS, JAVA_LONG));
        aclrtFreeHost = rt.bind("aclrtFreeHost", fd(ADDRESS));
        aclrtMemcpy = rt.bind("aclrtMemcpy", fd(ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT));
        aclrtMemcpyAsync = rt.bind("aclrtMemcpyAsync", fd(ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS));
        aclrtMemset = rt.bind("aclrtMemset", fd(ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG));
        aclrtMemsetAsync = rt.bind("aclrtMemsetAsync", fd(ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS));
        aclrtCreateStream = rt.bind("aclrtCreateStream", fd(ADDRESS));
        aclrtDestroyStream = rt.bind("aclrtDestroyStream", fd(ADDRESS));
        aclrtSynchronizeStream = rt.bind("aclrtSynchronizeStream", fd(ADDRESS));
        aclrtStreamWaitEvent = rt.bind("aclrtStreamWaitEvent", fd(ADDRESS, ADDRESS));
        aclrtCreateEvent = rt.bind("aclrtCreateEvent", fd(ADDRESS));
        aclrtDestroyEvent = rt.bind("aclrtDestroyEvent", fd(ADDRESS));
        aclrtRecordEvent = rt.bind("aclrtRecordEvent", fd(ADDRESS, ADDRESS));
        aclrtSynchronizeEvent = rt.bind("aclrtSynchronizeEvent", fd(ADDRESS));
        aclrtQueryEventStatus = rt.bind("aclrtQueryEventStatus", fd(ADDRESS, ADDRESS));
        aclrtEventElapsedTime = rt.bind("aclrtEventElapsedTime", fd(ADDRESS, ADDRESS, ADDRESS));

        aclCreateTensor = nn.bind("aclCreateTensor", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT,
                ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));
        aclDestroyTensor = nn.bind("aclDestroyTensor", fd(ADDRESS));
        aclCreateScalar = nn.bind("aclCreateScalar", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        aclDestroyScalar = nn.bind("aclDestroyScalar", fd(ADDRESS));
        aclCreateIntArray = nn.bind("aclCreateIntArray", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG));
        aclDestroyIntArray = nn.bind("aclDestroyIntArray", fd(ADDRESS));
        aclCreateTensorList = nn.bind("aclCreateTensorList", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG));
        aclDestroyTensorList = nn.bind("aclDestroyTensorList", fd(ADDRESS));
        aclSetAclOpExecutorRepeatable = nn.bind("aclSetAclOpExecutorRepeatable", fd(ADDRESS));
        aclDestroyAclOpExecutor = nn.bind("aclDestroyAclOpExecutor", fd(ADDRESS));
        aclSetInputTensorAddr = nn.bind("aclSetInputTensorAddr", fd(ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
        aclSetOutputTensorAddr = nn.bind("aclSetOutputTensorAddr", fd(ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));

        MemoryLayout a = ADDRESS;
        matmulWs = ws(op, "aclnnMatmul", a, a, a, JAVA_BYTE);
        batchMatMulWs = ws(op, "aclnnBatchMatMul", a, a, a, JAVA_BYTE);
        pfaV3Ws = ws(op, "aclnnPromptFlashAttentionV3", a, a, a, a, a, a, a, a, a, a, a, a, JAVA_LONG, JAVA_DOUBLE,
                JAVA_LONG, JAVA_LONG, a, JAVA_LONG, JAVA_LONG, JAVA_LONG, a);
        ifaV4Ws = ws(op, "aclnnIncreFlashAttentionV4", a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, JAVA_LONG,
                JAVA_DOUBLE, a, JAVA_LONG, JAVA_LONG, JAVA_LONG, a);
        softmaxWs = ws(op, "aclnnSoftmax", a, JAVA_LONG, a);
        layerNormWs = ws(op, "aclnnLayerNorm", a, a, a, a, JAVA_DOUBLE, a, a, a);
        rmsNormWs = ws(op, "aclnnRmsNorm", a, a, JAVA_DOUBLE, a, a);
        addWs = ws(op, "aclnnAdd", a, a, a, a);
        subWs = ws(op, "aclnnSub", a, a, a, a);
        mulWs = ws(op, "aclnnMul", a, a, a);
        divWs = ws(op, "aclnnDiv", a, a, a);
        siluWs = ws(op, "aclnnSilu", a, a);
        geluV2Ws = ws(op, "aclnnGeluV2", a, JAVA_LONG, a);
        reluWs = ws(op, "aclnnRelu", a, a);
        expWs = ws(op, "aclnnExp", a, a);
        castWs = ws(op, "aclnnCast", a, JAVA_INT, a);
        for (String name : OPS) execute.put(name, op.bind(name, fd(ADDRESS, JAVA_LONG, ADDRESS, ADDRESS)));

        List<String> missing = new ArrayList<>(rt.missing());
        missing.addAll(nn.missing());
        missing.addAll(op.missing());
        if (!missing.isEmpty()) {
            throw new SymbolBinder.MissingSymbolsException(runtimeLibrary.equals(opapi)
                    ? runtimeLibrary.toString() : "the CANN libraries", missing);
        }
    }

    private static FunctionDescriptor fd(MemoryLayout... args) { return FunctionDescriptor.of(JAVA_INT, args); }

    /** Phase one: the op's own arguments, then {@code uint64_t* workspaceSize, aclOpExecutor** executor}. */
    private static MethodHandle ws(SymbolBinder b, String op, MemoryLayout... args) {
        MemoryLayout[] all = new MemoryLayout[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = ADDRESS;
        all[args.length + 1] = ADDRESS;
        return b.bind(op + "GetWorkspaceSize", fd(all));
    }

    /** Phase two of {@code op}: {@code (workspace, workspaceSize, executor, stream)}. */
    int execute(String op, MemorySegment ws, long wsSize, MemorySegment executor, MemorySegment stream) {
        try {
            return (int) execute.get(op).invokeExact(ws, wsSize, executor, stream);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** The calling thread's most recent ACL error text, or an empty string. */
    String recentErrorMessage() {
        try {
            return Native.string((MemorySegment) aclGetRecentErrMsg.invokeExact());
        } catch (Throwable t) {
            return "";
        }
    }
}
