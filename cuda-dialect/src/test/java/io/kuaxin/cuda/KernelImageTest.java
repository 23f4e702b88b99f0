package io.kuaxin.cuda;

import io.kuaxin.cuda.kernels.KernelBinaries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class KernelImageTest {
    @Test
    void emulatorsGetTheHostKernelTable() {
        KernelImage i = KernelImage.find("musa", true, Map.of());
        assertNull(i.absent());
        String s = new String(i.bytes(), StandardCharsets.US_ASCII);
        assertTrue(s.startsWith("KXHOSTK1kx_unary\0"), s);
        assertTrue(s.endsWith("kxk_abi_version\0\0"), s);
    }

    @Test
    void nvidiaUsesTheFatbinOrSaysWhyThereIsNone() {
        KernelImage i = KernelImage.find("cuda", false, Map.of());
        if (KernelBinaries.nvidiaFatbin().isPresent()) {
            assertNull(i.absent());
            assertTrue(i.bytes().length > 1000);
        } else {
            assertNull(i.bytes());
            assertTrue(i.absent().startsWith("no NVIDIA kernel binary: "), i.absent());
        }
    }

    @Test
    void otherVendorsReadTheCacheThatKernelsBuildFills(@TempDir Path dir) throws Exception {
        Map<String, String> env = Map.of("KUAXIN_KERNELS_CACHE", dir.toString());
        KernelImage none = KernelImage.find("musa", false, env);
        assertNull(none.bytes());
        assertTrue(none.absent().contains(dir.resolve("musa").resolve("kuaxin-kernels.bin").toString()), none.absent());
        assertTrue(none.absent().contains("kuaxin kernels build --backend musa"), none.absent());
        Files.createDirectories(dir.resolve("musa"));
        Files.write(dir.resolve("musa/kuaxin-kernels.bin"), new byte[]{1, 2, 3});
        Files.writeString(dir.resolve("musa/kuaxin-kernels.bin.abi"), KernelBinaries.abiStamp() + "\n");
        KernelImage some = KernelImage.find("musa", false, env);
        assertArrayEquals(new byte[]{1, 2, 3}, some.bytes());
        assertNull(some.absent());
    }

    @Test
    void aBinaryWithAnotherOrNoAbiStampIsStaleAtLoad(@TempDir Path dir) throws Exception {
        Map<String, String> env = Map.of("KUAXIN_KERNELS_CACHE", dir.toString());
        Files.createDirectories(dir.resolve("hygon"));
        Files.write(dir.resolve("hygon/kuaxin-kernels.bin"), new byte[]{1, 2, 3});
        KernelImage unstamped = KernelImage.find("hygon", false, env);
        assertNull(unstamped.bytes());
        assertTrue(unstamped.absent().startsWith("stale kernel binary ") && unstamped.absent().contains("no ABI stamp")
                && unstamped.absent().contains("kuaxin kernels build --backend hygon"), unstamped.absent());
        Files.writeString(dir.resolve("hygon/kuaxin-kernels.bin.abi"), "kxk-abi 1 0123\n");
        KernelImage old = KernelImage.find("hygon", false, env);
        assertNull(old.bytes());
        assertTrue(old.absent().contains("built for 'kxk-abi 1 0123'") && old.absent().contains(KernelAbi.STAMP),
                old.absent());
    }

    @Test
    void theJavaLayoutIsTheShippedHeaders() {
        String abi = KernelBinaries.source("kx_kernel_abi.h").orElseThrow();
        assertEquals(KernelBinaries.sha256(abi.getBytes(StandardCharsets.UTF_8)), KernelAbi.HEADER_SHA256,
                "kx_kernel_abi.h changed: update KernelAbi's layout and HEADER_SHA256 (and KXK_ABI_VERSION if the"
                        + " layout changed)");
        assertEquals(KernelAbi.STAMP, KernelBinaries.abiStamp());
        KernelBinaries.nvidiaFatbin().ifPresent(f -> assertEquals(KernelAbi.STAMP,
                KernelBinaries.nvidiaAbiStamp().orElseThrow(), "the fatbin's nvidia.abi"));
    }

    @Test
    void theShippedSourcesAreTheOnesTheBuildCompiles() {
        String cu = KernelBinaries.source("kx_kernels.cu").orElseThrow();
        for (String k : KernelAbi.KERNELS) assertTrue(cu.contains("KX_GLOBAL void " + k + "("), k);
        String abi = KernelBinaries.source("kx_kernel_abi.h").orElseThrow();
        assertTrue(abi.contains("#define KXK_ABI_VERSION " + KernelAbi.VERSION), "ABI version differs");
        assertTrue(KernelBinaries.source("kx_vendor.h").isPresent());
        assertTrue(KernelBinaries.source("../../../../etc/passwd").isEmpty());
    }
}
