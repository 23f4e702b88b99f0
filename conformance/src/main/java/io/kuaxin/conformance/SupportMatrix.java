package io.kuaxin.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Op × dtype → status for one backend, aggregated over cases: any fail → fail; else any xfail → xfail; else any
 * pass/xpass → pass; else any unsupported → unsupported; else skipped. Negative cases form the {@code invalid}
 * column. Written as JSON for CI dashboards and the CLI.
 */
public final class SupportMatrix {
    private final String backend;
    private final String device;
    private final String detail;
    private final List<Result> results;
    private final Map<String, Map<String, EnumMap<Status, Integer>>> cells = new TreeMap<>();

    public SupportMatrix(String backend, String device, String detail, List<Result> results) {
        this.backend = backend;
        this.device = device;
        this.detail = detail;
        this.results = List.copyOf(results);
        for (Result r : results) {
            cells.computeIfAbsent(r.testCase().op().label(), k -> new TreeMap<>())
                    .computeIfAbsent(r.testCase().dtype(), k -> new EnumMap<>(Status.class))
                    .merge(r.status(), 1, Integer::sum);
        }
    }

    /** op label → dtype column → aggregated status. */
    public Map<String, Map<String, Status>> statuses() {
        Map<String, Map<String, Status>> out = new TreeMap<>();
        cells.forEach((op, cols) -> {
            Map<String, Status> m = new TreeMap<>();
            cols.forEach((dt, counts) -> m.put(dt, aggregate(counts)));
            out.put(op, m);
        });
        return out;
    }

    static Status aggregate(Map<Status, Integer> c) {
        if (c.containsKey(Status.FAIL)) return Status.FAIL;
        if (c.containsKey(Status.XFAIL)) return Status.XFAIL;
        if (c.containsKey(Status.PASS) || c.containsKey(Status.XPASS)) return Status.PASS;
        if (c.containsKey(Status.UNSUPPORTED)) return Status.UNSUPPORTED;
        return Status.SKIPPED;
    }

    public List<Result> results() { return results; }

    /** Number of cases with status {@code s}. */
    public long count(Status s) { return results.stream().filter(r -> r.status() == s).count(); }

    public String backend() { return backend; }

    public String device() { return device; }

    public String toJson() {
        StringBuilder b = new StringBuilder("{\n");
        b.append("  \"backend\": ").append(q(backend)).append(",\n");
        b.append("  \"device\": ").append(q(device)).append(",\n");
        b.append("  \"detail\": ").append(q(detail)).append(",\n");
        b.append("  \"summary\": {");
        Status[] all = Status.values();
        for (int i = 0; i < all.length; i++) {
            b.append(i > 0 ? ", " : "").append(q(all[i].label())).append(": ").append(count(all[i]));
        }
        b.append("},\n  \"matrix\": {\n");
        int i = 0;
        for (var op : cells.entrySet()) {
            b.append(i++ > 0 ? ",\n" : "").append("    ").append(q(op.getKey())).append(": {");
            int j = 0;
            for (var col : op.getValue().entrySet()) {
                b.append(j++ > 0 ? ", " : "").append(q(col.getKey())).append(": {\"status\": ")
                        .append(q(aggregate(col.getValue()).label()));
                col.getValue().forEach((s, n) -> b.append(", ").append(q(s.label())).append(": ").append(n));
                b.append('}');
            }
            b.append('}');
        }
        b.append("\n  },\n  \"cases\": [\n");
        for (int k = 0; k < results.size(); k++) {
            Result r = results.get(k);
            b.append("    {\"id\": ").append(q(r.testCase().id())).append(", \"status\": ").append(q(r.status().label()));
            if (!Double.isNaN(r.nmse())) b.append(", \"nmse\": ").append(num(r.nmse()));
            if (r.status() != Status.PASS && r.detail() != null) b.append(", \"detail\": ").append(q(r.detail()));
            b.append('}').append(k + 1 < results.size() ? ",\n" : "\n");
        }
        return b.append("  ]\n}\n").toString();
    }

    /** Writes {@code <dir>/<backend>.json}; returns the path. */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path p = dir.resolve(backend + ".json");
        Files.writeString(p, toJson());
        return p;
    }

    private static String num(double v) { return Double.isFinite(v) ? String.format(java.util.Locale.ROOT, "%.3e", v) : q(String.valueOf(v)); }

    private static String q(String s) {
        if (s == null) return "null";
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    /** The column negative (bad-input) cases are filed under; not a dtype, so the table shows it as a summary line. */
    static final String INVALID_COLUMN = "invalid";

    /**
     * A text table for terminals: ops as rows, one column per plain dtype (conversions such as {@code f32->f16} and
     * the {@value #INVALID_COLUMN} bad-input cases are left to the JSON), each column as wide as its widest cell,
     * then one line summing the bad-input cases.
     */
    public String toTable() {
        java.util.SortedSet<String> cols = new java.util.TreeSet<>();
        cells.values().forEach(m -> cols.addAll(m.keySet()));
        List<String> shown = cols.stream()
                .filter(c -> !c.contains("->") && !c.contains("+") && !c.equals(INVALID_COLUMN)).toList();
        Map<String, Map<String, Status>> st = statuses();
        int opWidth = "op".length();
        for (String op : st.keySet()) opWidth = Math.max(opWidth, op.length());
        int[] w = new int[shown.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = shown.get(i).length();
            for (Map<String, Status> row : st.values()) {
                Status cell = row.get(shown.get(i));
                w[i] = Math.max(w[i], cell == null ? 1 : cell.label().length());
            }
        }
        StringBuilder b = new StringBuilder(pad("op", opWidth + 2));
        for (int i = 0; i < w.length; i++) b.append(pad(shown.get(i), w[i] + 2));
        b.setLength(b.toString().stripTrailing().length());
        b.append('\n');
        for (var op : st.entrySet()) {
            StringBuilder line = new StringBuilder(pad(op.getKey(), opWidth + 2));
            for (int i = 0; i < w.length; i++) {
                Status cell = op.getValue().get(shown.get(i));
                line.append(pad(cell == null ? "-" : cell.label(), w[i] + 2));
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        EnumMap<Status, Integer> invalid = new EnumMap<>(Status.class);
        for (Result r : results) {
            if (INVALID_COLUMN.equals(r.testCase().dtype())) invalid.merge(r.status(), 1, Integer::sum);
        }
        if (!invalid.isEmpty()) {
            StringBuilder line = new StringBuilder("bad-input cases (refused with a typed exception):");
            invalid.forEach((s2, n) -> line.append(' ').append(n).append(' ').append(s2.label()).append(','));
            line.setLength(line.length() - 1);
            b.append(line).append('\n');
        }
        return b.toString();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
