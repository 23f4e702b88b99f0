package io.kuaxin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.*;

class CliTest {
    private static String[] run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute(args);
        return new String[] {Integer.toString(rc), out.toString(), err.toString()};
    }

    @Test
    void devicesListsEveryBackendWithAReason() throws Exception {
        String[] r = run("devices", "--json");
        assertEquals("0", r[0], r[2]);
        JsonNode backends = new ObjectMapper().readTree(r[1]).get("backends");
        assertEquals(8, backends.size(), r[1]);
        for (JsonNode b : backends) {
            assertFalse(b.get("reason").asText().isBlank(), b.toString());
        }
        JsonNode cpu = backends.get(0);
        assertEquals("cpu", cpu.get("name").asText());
        assertEquals("cpu:0", cpu.get("devices").get(0).get("id").asText());
        assertTrue(cpu.get("devices").get(0).get("memoryTotal").asLong() > 0);
    }

    @Test
    void devicesTableShowsDefaultDevice() {
        String[] r = run("devices");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("Default device: cpu:0"), r[1]);
        assertTrue(r[1].contains("ascend"), r[1]);
    }

    @Test
    void doctorReportsJdkAndBackends() throws Exception {
        String[] r = run("doctor", "--json");
        assertEquals("0", r[0], r[2]);
        JsonNode j = new ObjectMapper().readTree(r[1]);
        assertTrue(j.get("jvm").get("version").asText().startsWith("25"), r[1]);
        assertTrue(j.get("jvm").get("vectorApi").asText().contains("bit"), r[1]);
        assertTrue(j.get("backends").has("mlu"), r[1]);
    }

    @Test
    void unknownOptionIsAUsageError() {
        String[] r = run("devices", "--nope");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--nope"), r[2]);
    }

    @Test
    void conformanceOnADeviceThatDoesNotExistIsAnError(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        String[] r = run("conformance", "--device", "cpu:3", "--out", dir.toString());
        assertEquals("2", r[0], r[1] + r[2]);
        assertTrue(r[2].contains("no case ran on 'cpu:3'"), r[2]);
    }

    @Test
    void conformanceSeedsMustBeARange() {
        String[] r = run("conformance", "--seeds", "9..2");
        assertEquals("2", r[0], r[1] + r[2]);
        assertTrue(r[2].contains("--seeds 9..2"), r[2]);
    }

    @Test
    void decoderTokensMustFitTheContextAndTheUsageIsTheDemos() {
        String[] r = run("demo", "--decoder", "--tokens", "0");
        assertEquals("2", r[0], r[1] + r[2]);
        assertTrue(r[2].contains("--tokens must be between 1 and 448"), r[2]);
        assertTrue(r[2].contains("demo"), r[2]);
        r = run("demo", "--decoder", "--tensor-parallel", "cpu:0,cpu:0", "--tokens", "481");
        assertEquals("2", r[0], r[1] + r[2]);
        assertTrue(r[2].contains("--tokens must be between 1 and 480"), r[2]);
        r = run("demo", "--decoder", "--tokens", String.valueOf(Integer.MAX_VALUE)); // no int overflow past the check
        assertEquals("2", r[0], r[1] + r[2]);
        assertTrue(r[2].contains("--tokens must be between 1 and 448"), r[2]);
    }

    @Test
    void demoRunsMustBePositive() {
        for (String runs : new String[] {"0", "-5"}) {
            String[] r = run("demo", "--runs", runs);
            assertEquals("2", r[0], r[1] + r[2]);
            assertTrue(r[2].contains("--runs must be at least 1, got " + runs), r[2]);
        }
    }

    @Test
    void decoderDemoGeneratesAndChecksAgainstTheOracle() {
        String[] r = run("demo", "--decoder", "--tokens", "2", "--device", "cpu");
        assertEquals("0", r[0], r[1] + r[2]);
        assertTrue(r[1].contains("Prefill    64 tokens"), r[1]);
        assertTrue(r[1].contains("over 3 steps"), r[1]);
        assertTrue(r[1].matches("(?s).*Generated  \\d+ \\d+\\R.*"), r[1]);
    }
}
