package io.kuaxin.cuda;

import io.kuaxin.cuda.kernels.KernelBinaries;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a runtime's kernel image comes from, or why it has none. Never downloaded:
 * <ul>
 *   <li>an emulator runs host kernels named by {@link KernelAbi#hostImage()};</li>
 *   <li>NVIDIA (backend {@code cuda}) loads the fatbin built into {@code kuaxin-cuda-kernels} with nvcc;</li>
 *   <li>every other vendor loads the binary that {@code kuaxin kernels build --backend <name> --sdk <root>} compiled
 *       from the shipped sources with the vendor's compiler into the kernel cache:
 *       {@code kuaxin.kernels.cache} ({@code KUAXIN_KERNELS_CACHE}), default {@code ~/.cache/kuaxin/kernels},
 *       file {@code <backend>/kuaxin-kernels.bin}.</li>
 * </ul>
 * A binary carries an ABI stamp next to it ({@code nvidia.abi} in the jar, {@code kuaxin-kernels.bin.abi} in the
 * cache): the parameter layout it was compiled for. One that differs from {@link KernelAbi#STAMP}, or is missing,
 * makes the image absent with a "stale kernel binary" reason, so every kernel op is refused from the probe on
 * ({@code unsupportedReason}, {@code kuaxin doctor}) instead of failing, or computing garbage, at its first launch.
 *
 * @param bytes  the image, or {@code null}
 * @param source where it came from, for reports
 * @param absent why there is no image, or {@code null}
 */
record KernelImage(byte[] bytes, String source, String absent) {
    /** The image for {@code backend}'s runtime. */
    static KernelImage find(String backend, boolean emulated, Map<String, String> env) {
        if (emulated) return new KernelImage(KernelAbi.hostImage(), "emulator host kernels", null);
        if (backend.equals("cuda")) {              // NVIDIA's backend (Iluvatar's CoreX has its own compiler)
            String src = "kuaxin-cuda-kernels nvidia.fatbin (sm_80, sm_90, compute_90 PTX)";
            return KernelBinaries.nvidiaFatbin()
                    .map(b -> checked(b, src, KernelBinaries.nvidiaAbiStamp().orElse(null),
                            "rebuild kuaxin-cuda-kernels with nvcc (its build writes nvidia.abi next to the fatbin)"))
                    .orElseGet(() -> new KernelImage(null, null, "no NVIDIA kernel binary: "
                            + KernelBinaries.nvidiaAbsentReason().orElse("unknown")));
        }
        Path file = cacheFile(backend, env);
        if (!Files.isRegularFile(file)) {
            return new KernelImage(null, null, "no " + backend + " kernel binary at " + file + " (build it on a machine"
                    + " with the vendor SDK: kuaxin kernels build --backend " + backend + " --sdk <root>)");
        }
        try {
            Path stampFile = file.resolveSibling(file.getFileName() + KernelBinaries.ABI_STAMP_SUFFIX);
            String stamp = Files.isRegularFile(stampFile) ? Files.readString(stampFile) : null;
            return checked(Files.readAllBytes(file), file.toString(), stamp,
                    "kuaxin kernels build --backend " + backend + " --sdk <root>");
        } catch (IOException e) {
            return new KernelImage(null, null, "cannot read " + file + ": " + e.getMessage());
        }
    }

    /** The image, or none with the reason if its ABI stamp is not this Kuaxin's: refused at load, not at first use. */
    private static KernelImage checked(byte[] bytes, String source, String stamp, String rebuild) {
        String stale = KernelAbi.stampMismatch(stamp, source, rebuild);
        return stale == null ? new KernelImage(bytes, source, null) : new KernelImage(null, null, stale);
    }

    /** The cache file of {@code backend}'s kernel binary. */
    static Path cacheFile(String backend, Map<String, String> env) {
        return KernelBinaries.cacheFile(backend, env);
    }
}
