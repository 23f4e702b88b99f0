package io.kuaxin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** {@code kuaxin bench} on a server where the chart cannot be drawn, and the percentage-of-peak column. */
class BenchCommandTest {
    @Test
    void chartFailureLeavesTableJsonAndAOneLineReason(@TempDir Path dir) throws Exception {
        BenchCommand bench = new BenchCommand();
        bench.chart = (png, title, x, y, series, peak, label) -> {
            try {
                Files.createFile(png); // what JFreeChart leaves behind: an empty file, then the error
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            throw new InternalError("Fontconfig head is null, check your fonts or fonts configuration");
        };
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(bench).setCaseInsensitiveEnumValuesAllowed(true);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute("matmul", "--device", "cpu", "--sizes", "32,64", "--out", dir.toString());
        assertEquals(0, rc, err.toString());
        String text = out.toString();
        assertTrue(text.contains("DEVICE") && text.contains("GFLOP/S"), text);
        assertTrue(text.contains("cpu:0"), text);
        JsonNode doc = new ObjectMapper().readTree(dir.resolve("matmul-f32.json").toFile());
        assertEquals(2, doc.get("results").get("cpu:0").size());
        assertTrue(doc.get("cpuFmaPeakGflops").asDouble() > 0);
        assertFalse(Files.exists(dir.resolve("matmul-f32.png")), "no empty PNG left behind");
        long warnings = text.lines().filter(l -> l.startsWith("warning: chart")).count();
        assertEquals(1, warnings, text);
        assertTrue(text.contains("InternalError: Fontconfig head is null"), text);
        assertTrue(text.indexOf("DEVICE") < text.indexOf("warning: chart"), "table before the warning");
    }

    @Test
    void percentOfPeakNeverAboveHundred() {
        assertEquals("50%", BenchCommand.percentOfPeak(100, 200));
        assertEquals("100%", BenchCommand.percentOfPeak(231, 231));
        assertEquals("above probe", BenchCommand.percentOfPeak(312.7, 231));
        assertEquals("", BenchCommand.percentOfPeak(10, 0));
    }

    @Test
    void reasonNamesTheRootCause() {
        var e = new IllegalStateException("chart", new UnsatisfiedLinkError("libfreetype.so.6: cannot open"));
        assertEquals("UnsatisfiedLinkError: libfreetype.so.6: cannot open (in IllegalStateException)",
                BenchChart.reason(e));
    }
}
