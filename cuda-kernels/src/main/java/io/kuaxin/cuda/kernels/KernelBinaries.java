package io.kuaxin.cuda.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The kernel binaries and sources this jar ships. The NVIDIA fatbin (SASS for sm_80 and sm_90, PTX for compute_90)
 * is built when the jar is built, with the build machine's nvcc; without one it is absent and
 * {@link #nvidiaAbsentReason()} says why. The CUDA C sources ship for every vendor, whose compilers build them on a
 * machine with the SDK ({@code kuaxin kernels build}). Stateless and thread-safe.
 */
public final class KernelBinaries {
    /** The sources, in the order a vendor compiler is given them (the first is the translation unit). */
    public static final List<String> SOURCES = List.of("kx_kernels.cu", "kx_kernel_abi.h", "kx_vendor.h");

    private KernelBinaries() {}

    /** The NVIDIA fatbin, if this jar was built with nvcc. */
    public static Optional<byte[]> nvidiaFatbin() {
        return read("nvidia.fatbin");
    }

    /** Why the NVIDIA fatbin is absent, or empty when it is present. */
    public static Optional<String> nvidiaAbsentReason() {
        if (nvidiaFatbin().isPresent()) return Optional.empty();
        return Optional.of(read("nvidia.absent").map(b -> new String(b, StandardCharsets.UTF_8).trim())
                .orElse("this kuaxin-cuda-kernels jar holds no nvidia.fatbin"));
    }

    /** The suffix of the ABI stamp next to a kernel binary ({@code kuaxin-kernels.bin.abi}, {@code nvidia.abi}). */
    public static final String ABI_STAMP_SUFFIX = ".abi";

    /**
     * The ABI stamp of the shipped sources: {@code "kxk-abi <KXK_ABI_VERSION> <sha256 of kx_kernel_abi.h>"}. A binary
     * compiled from them carries this line next to it; the loader compares it with the parameter layout it writes.
     */
    public static String abiStamp() {
        String h = source("kx_kernel_abi.h").orElseThrow(() -> new IllegalStateException(
                "kuaxin-cuda-kernels ships no kx_kernel_abi.h"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("#define KXK_ABI_VERSION (\\d+)").matcher(h);
        if (!m.find()) throw new IllegalStateException("kx_kernel_abi.h defines no KXK_ABI_VERSION");
        return "kxk-abi " + m.group(1) + " " + sha256(h.getBytes(StandardCharsets.UTF_8));
    }

    /** The ABI stamp the build wrote next to the NVIDIA fatbin, if any. */
    public static Optional<String> nvidiaAbiStamp() {
        return read("nvidia" + ABI_STAMP_SUFFIX).map(b -> new String(b, StandardCharsets.UTF_8).trim());
    }

    /** Lower-case hex SHA-256 of {@code bytes}. */
    public static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** One kernel source file of {@link #SOURCES}. */
    public static Optional<String> source(String name) {
        if (!SOURCES.contains(name)) return Optional.empty();
        return read("src/" + name).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    /**
     * The kernel cache file of a backend other than NVIDIA's: {@code <cache>/<backend>/kuaxin-kernels.bin}, the cache
     * being {@code kuaxin.kernels.cache} (system property), else {@code KUAXIN_KERNELS_CACHE} from {@code env}, else
     * {@code ~/.cache/kuaxin/kernels}. {@code kuaxin kernels build} writes it; the backend loads it.
     */
    public static Path cacheFile(String backend, Map<String, String> env) {
        String root = System.getProperty("kuaxin.kernels.cache");
        if (root == null) root = env.get("KUAXIN_KERNELS_CACHE");
        Path dir = root != null && !root.isBlank() ? Path.of(root)
                : Path.of(System.getProperty("user.home"), ".cache", "kuaxin", "kernels");
        return dir.resolve(backend.toLowerCase(Locale.ROOT)).resolve("kuaxin-kernels.bin");
    }

    private static Optional<byte[]> read(String name) {
        try (InputStream in = KernelBinaries.class.getResourceAsStream(name)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + name + " from kuaxin-cuda-kernels", e);
        }
    }
}
