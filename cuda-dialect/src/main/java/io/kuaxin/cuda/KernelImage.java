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
            return KernelBinaries.nvidiaFatbin()
                    .map(b -> new KernelImage(b, "kuaxin-cuda-kernels nvidia.fatbin (sm_80, sm_90, compute_90 PTX)",
                            null))
                    .orElseGet(() -> new KernelImage(null, null, "no NVIDIA kernel binary: "
                            + KernelBinaries.nvidiaAbsentReason().orElse("unknown")));
        }
        Path file = cacheFile(backend, env);
        if (!Files.isRegularFile(file)) {
            return new KernelImage(null, null, "no " + backend + " kernel binary at " + file + " (build it on a machine"
                    + " with the vendor SDK: kuaxin kernels build --backend " + backend + " --sdk <root>)");
        }
        try {
            return new KernelImage(Files.readAllBytes(file), file.toString(), null);
        } catch (IOException e) {
            return new KernelImage(null, null, "cannot read " + file + ": " + e.getMessage());
        }
    }

    /** The cache file of {@code backend}'s kernel binary. */
    static Path cacheFile(String backend, Map<String, String> env) {
        return KernelBinaries.cacheFile(backend, env);
    }
}
