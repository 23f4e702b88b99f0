package io.kuaxin.collectives.nccl;

import io.kuaxin.Device;
import io.kuaxin.InvalidArgumentException;
import io.kuaxin.spi.ffm.NativeLibraryLocator;

import java.util.List;
import java.util.Map;

/**
 * One collective library with NCCL's shape (a 128-byte unique id passed by value, {@code GetUniqueId} →
 * {@code CommInitRank} → collectives on the runtime's stream, NCCL's enum values): which library, which symbol
 * prefix, which emulator. One binding ({@link NcclBinding}) serves them all, as one binding serves the CUDA-like
 * runtimes through their {@code Dialect}.
 *
 * <p>Sources: NCCL (V) NVIDIA/nccl {@code src/nccl.h.in}; RCCL (V) ROCm/rccl exports the {@code nccl*} names, and
 * Hygon's DTK ships it (InfiniTensor/InfiniCore links {@code rccl} for Hygon); Iluvatar CoreX (U) ships an NCCL build
 * with the {@code nccl*} names (flagos-ai/FlagCX {@code ixnccl_adaptor.cc}); Moore Threads MCCL (U) {@code mccl*}
 * names (MooreThreads/torch_musa {@code MCCLUtils.h}), NCCL's values per vllm-musa's pymccl table; Biren BCCL (U)
 * {@code bccl*} names (BIRENSUPA/torch-supa {@code bccl.*}), soname and numeric values (I).
 *
 * @param name      e.g. {@code nccl}
 * @param prefix    symbol prefix, e.g. {@code nccl} for {@code ncclAllReduce}
 * @param fileNames library file names to try
 * @param rootVars  SDK root variables
 * @param roots     default install roots
 * @param emulator  Kuaxin's emulator: {@code libkuaxin-emu-<emulator>.so}
 */
public record CclFamily(String name, String prefix, List<String> fileNames, List<String> rootVars, List<String> roots,
                        String emulator) {
    public static final CclFamily NCCL = new CclFamily("nccl", "nccl", List.of("libnccl.so.2", "libnccl.so"),
            List.of("NCCL_HOME", "CUDA_HOME", "CUDA_PATH"), List.of("/usr/local/cuda", "/usr"), "nccl");
    public static final CclFamily IXNCCL = new CclFamily("nccl", "nccl", List.of("libnccl.so.2", "libnccl.so"),
            List.of("COREX_HOME", "NCCL_HOME"), List.of("/usr/local/corex"), "nccl");
    public static final CclFamily RCCL = new CclFamily("rccl", "nccl", List.of("librccl.so.1", "librccl.so"),
            List.of("ROCM_PATH", "DTK_ROOT", "RCCL_HOME"), List.of("/opt/dtk", "/opt/rocm"), "rccl");
    public static final CclFamily MCCL = new CclFamily("mccl", "mccl", List.of("libmccl.so.2", "libmccl.so"),
            List.of("MUSA_HOME", "MUSA_PATH"), List.of("/usr/local/musa"), "mccl");
    public static final CclFamily BCCL = new CclFamily("bccl", "bccl", List.of("libbccl.so"),
            List.of("SUPA_HOME", "BR_SDK_HOME"), List.of("/usr/local/supa", "/opt/birensupa"), "bccl");

    /** Backends whose devices use each family. */
    private static final Map<String, CclFamily> BY_BACKEND = Map.of("cuda", NCCL, "iluvatar", IXNCCL, "hygon", RCCL,
            "musa", MCCL, "biren", BCCL);

    /** Runtime emulator → the collective emulator that drives its streams. */
    private static final Map<String, CclFamily> BY_EMULATOR = Map.of("libkuaxin-emu-cuda.so", NCCL,
            "libkuaxin-emu-hip.so", RCCL, "libkuaxin-emu-musa.so", MCCL, "libkuaxin-emu-supa.so", BCCL);

    public CclFamily {
        fileNames = List.copyOf(fileNames);
        rootVars = List.copyOf(rootVars);
        roots = List.copyOf(roots);
    }

    /**
     * The family for a device's backend; on an emulated device, the one whose emulator drives that runtime emulator.
     *
     * @throws InvalidArgumentException if the backend has no NCCL-shaped library
     */
    public static CclFamily of(Device device) {
        if (device.info().emulated()) {
            CclFamily f = BY_EMULATOR.get(device.info().properties().getOrDefault("emulator", ""));
            if (f != null) return f;
        }
        CclFamily f = BY_BACKEND.get(device.info().backend());
        if (f == null) {
            throw new InvalidArgumentException(device.id() + " has no NCCL-shaped collective library (it serves "
                    + BY_BACKEND.keySet() + "); use MpiCollectives for the CPU");
        }
        return f;
    }

    NativeLibraryLocator.Request request(String backend) {
        return new NativeLibraryLocator.Request(backend, name, fileNames, rootVars, roots, emulator);
    }
}
