package io.kuaxin.cli;

import io.kuaxin.cuda.kernels.KernelBinaries;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code kuaxin kernels}: the CUDA-family device kernels. {@code build} compiles the shipped CUDA C sources with a
 * vendor's compiler into the kernel cache the backend loads; {@code sources} writes them out.
 */
@Command(name = "kernels", mixinStandardHelpOptions = true,
        description = "Build Kuaxin's CUDA-family device kernels with a vendor SDK, or write out their sources.",
        subcommands = {KernelsCommand.Build.class, KernelsCommand.Sources.class})
final class KernelsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** Writes the kernel sources into {@code dir}. */
    static void writeSources(Path dir) {
        try {
            Files.createDirectories(dir);
            for (String f : KernelBinaries.SOURCES) {
                Files.writeString(dir.resolve(f), KernelBinaries.source(f).orElseThrow(
                        () -> new IllegalStateException("kuaxin-cuda-kernels lacks " + f)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Command(name = "sources", mixinStandardHelpOptions = true, description = "Write the kernel sources to a directory.")
    static final class Sources implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--out", required = true, description = "Directory to write kx_kernels.cu and its headers to.")
        Path out;

        @Override
        public Integer call() {
            writeSources(out);
            spec.commandLine().getOut().println("wrote " + KernelBinaries.SOURCES + " to " + out);
            return 0;
        }
    }

    /**
     * How each backend's compiler turns {@code kx_kernels.cu} into a module image. Values: NVIDIA's nvcc fatbin (V);
     * HIP's {@code hipcc --genco} code object for {@code hipModuleLoadData} (V: HIP docs; the DCU architectures are U);
     * MUSA's {@code mcc} with {@code --cuda-gpu-arch=mp_NN} (U: ggml's MUSA build; the device-only output form is I);
     * CoreX's clang with {@code --cuda-gpu-arch=ivcoreNN} (I). Biren has no public compiler invocation: give
     * {@code --command}.
     */
    static List<String> recipe(String backend, Path sdk, List<String> arch, Path src, Path out) {
        String cu = src.resolve("kx_kernels.cu").toString(), inc = "-I" + src;
        List<String> c = new ArrayList<>();
        switch (backend) {
            case "cuda", "nvidia" -> {
                c.addAll(List.of(sdk.resolve("bin/nvcc").toString(), "-fatbin", "-O3", "-std=c++17", inc));
                for (String a : arch.isEmpty() ? List.of("80", "90") : arch) {
                    c.addAll(List.of("-gencode", "arch=compute_" + a + ",code=sm_" + a));
                }
                String last = arch.isEmpty() ? "90" : arch.getLast();
                c.addAll(List.of("-gencode", "arch=compute_" + last + ",code=compute_" + last));
            }
            case "hygon", "dcu" -> {
                c.addAll(List.of(sdk.resolve("bin/hipcc").toString(), "--genco", "-O3", "-std=c++17", inc));
                for (String a : arch.isEmpty() ? List.of("gfx906", "gfx926", "gfx928") : arch) c.add("--offload-arch=" + a);
            }
            case "musa", "moorethreads", "mthreads" -> {
                c.addAll(List.of(sdk.resolve("bin/mcc").toString(), "--cuda-device-only", "-O3", "-std=c++17", inc));
                for (String a : arch.isEmpty() ? List.of("21", "22") : arch) c.add("--cuda-gpu-arch=mp_" + a);
            }
            case "iluvatar", "corex" -> {
                c.addAll(List.of(sdk.resolve("bin/clang++").toString(), "--cuda-device-only", "-O3", "-std=c++17",
                        "-D__ILUVATAR__", inc));
                for (String a : arch.isEmpty() ? List.of("ivcore11") : arch) c.add("--cuda-gpu-arch=" + a);
            }
            default -> throw new IllegalArgumentException("no known compiler invocation for backend " + backend
                    + " (Biren publishes none): pass --command '<compiler> ... {src} ... -o {out}'");
        }
        c.addAll(List.of("-o", out.toString(), cu));
        return c;
    }

    /** Canonical backend name (the cache directory), as the backends spell it. */
    static String canonical(String backend) {
        return switch (backend.toLowerCase(Locale.ROOT)) {
            case "nvidia", "gpu" -> "cuda";
            case "dcu" -> "hygon";
            case "moorethreads", "mthreads" -> "musa";
            case "corex" -> "iluvatar";
            case "supa" -> "biren";
            default -> backend.toLowerCase(Locale.ROOT);
        };
    }

    @Command(name = "build", mixinStandardHelpOptions = true,
            description = {"Compile the device kernels with a vendor SDK into the kernel cache",
                    "(kuaxin.kernels.cache / KUAXIN_KERNELS_CACHE, default ~/.cache/kuaxin/kernels)."})
    static final class Build implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--backend", required = true, description = "hygon, musa, iluvatar, biren or cuda.")
        String backend;

        @Option(names = "--sdk", description = "SDK root holding bin/<compiler> (DTK, MUSA toolkit, CoreX, CUDA).")
        Path sdk;

        @Option(names = "--arch", split = ",", description = "Target architectures (defaults per backend).")
        List<String> arch = new ArrayList<>();

        @Option(names = "--command", description = "A whole compiler command instead of the built-in recipe; "
                + "{src} is the sources' directory, {out} the image to write.")
        String command;

        @Option(names = "--dry-run", description = "Print the command without running it.")
        boolean dryRun;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            String name = canonical(backend);
            Path cache = KernelBinaries.cacheFile(name, System.getenv());
            Path src = Files.createTempDirectory("kuaxin-kernels-src");
            writeSources(src);
            Path tmp = cache.resolveSibling(cache.getFileName() + ".tmp");
            List<String> cmd;
            if (command != null) {
                cmd = List.of("sh", "-c", command.replace("{src}", src.toString()).replace("{out}", tmp.toString()));
            } else {
                if (sdk == null) throw new ParameterException(spec.commandLine(), "--sdk is required without --command");
                try {
                    cmd = recipe(name, sdk, arch, src, tmp);
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), e.getMessage());
                }
            }
            out.println(String.join(" ", cmd));
            if (dryRun) return 0;
            Files.createDirectories(cache.getParent());
            Process p = new ProcessBuilder(cmd).inheritIO().start();
            if (!p.waitFor(30, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("the compiler ran for 30 minutes; stopped");
            }
            if (p.exitValue() != 0 || !Files.isRegularFile(tmp)) {
                spec.commandLine().getErr().println("kuaxin: the compiler failed (exit " + p.exitValue() + "); "
                        + cache + " is unchanged");
                return 1;
            }
            Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            // The parameter layout the binary was compiled for: a Kuaxin with another layout refuses it at load.
            Files.writeString(cache.resolveSibling(cache.getFileName() + KernelBinaries.ABI_STAMP_SUFFIX),
                    KernelBinaries.abiStamp() + "\n");
            out.println("wrote " + cache + " (" + Files.size(cache) + " bytes); " + name + " devices load it at startup");
            return 0;
        }
    }
}
