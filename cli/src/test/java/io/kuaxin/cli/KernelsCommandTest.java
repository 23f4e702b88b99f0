package io.kuaxin.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class KernelsCommandTest {
    private static String[] run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute(args);
        return new String[] {Integer.toString(rc), out.toString(), err.toString()};
    }

    @AfterEach
    void clear() { System.clearProperty("kuaxin.kernels.cache"); }

    @Test
    void sourcesAreWrittenOut(@TempDir Path dir) throws Exception {
        String[] r = run("kernels", "sources", "--out", dir.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(Files.readString(dir.resolve("kx_kernels.cu")).contains("KX_GLOBAL void kx_attention("));
        assertTrue(Files.readString(dir.resolve("kx_vendor.h")).contains("__MUSACC__"));
        assertTrue(Files.readString(dir.resolve("kx_kernel_abi.h")).contains("KXK_ABI_VERSION"));
    }

    @Test
    void eachVendorHasItsCompilerInvocation() {
        String[] musa = run("kernels", "build", "--backend", "moorethreads", "--sdk", "/opt/musa", "--dry-run");
        assertEquals("0", musa[0], musa[2]);
        assertTrue(musa[1].startsWith("/opt/musa/bin/mcc ") && musa[1].contains("--cuda-gpu-arch=mp_22"), musa[1]);
        String[] hip = run("kernels", "build", "--backend", "hygon", "--sdk", "/opt/dtk", "--arch", "gfx928", "--dry-run");
        assertTrue(hip[1].startsWith("/opt/dtk/bin/hipcc --genco") && hip[1].contains("--offload-arch=gfx928")
                && !hip[1].contains("gfx906"), hip[1]);
        String[] nv = run("kernels", "build", "--backend", "nvidia", "--sdk", "/usr/local/cuda", "--dry-run");
        assertTrue(nv[1].contains("arch=compute_90,code=sm_90") && nv[1].contains("arch=compute_90,code=compute_90"),
                nv[1]);
        String[] biren = run("kernels", "build", "--backend", "biren", "--sdk", "/opt/supa");
        assertEquals("2", biren[0]);
        assertTrue(biren[2].contains("--command"), biren[2]);
    }

    @Test
    void aBuildFillsTheCacheAndAFailedOneLeavesItAlone(@TempDir Path cache) throws Exception {
        System.setProperty("kuaxin.kernels.cache", cache.toString());
        String[] ok = run("kernels", "build", "--backend", "musa", "--command", "cp {src}/kx_kernels.cu {out}");
        assertEquals("0", ok[0], ok[2]);
        Path bin = cache.resolve("musa/kuaxin-kernels.bin");
        assertTrue(Files.readString(bin).contains("kx_softmax"));
        assertEquals(io.kuaxin.cuda.kernels.KernelBinaries.abiStamp(),
                Files.readString(cache.resolve("musa/kuaxin-kernels.bin.abi")).strip());
        String[] bad = run("kernels", "build", "--backend", "musa", "--command", "echo broken > {out}; exit 3");
        assertEquals("1", bad[0]);
        assertTrue(bad[2].contains("exit 3") && bad[2].contains("unchanged"), bad[2]);
        assertTrue(Files.readString(bin).contains("kx_softmax"));
    }
}
