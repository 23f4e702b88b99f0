package io.kuaxin;

import io.kuaxin.spi.Availability;
import io.kuaxin.spi.BackendProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The runtime: discovers every backend on the class or module path, probes it, and opens its devices on demand.
 *
 * {@snippet :
 * try (Kuaxin kx = Kuaxin.open()) {
 *     Device dev = kx.device("ascend:*,cpu");      // first available choice
 *     try (Scope s = dev.scope()) {
 *         Tensor x = s.copyOf(new float[] {1, 2, 3, 4}, Shape.of(2, 2));
 *         Tensor y = Ops.matmul(x, x);
 *         System.out.println(java.util.Arrays.toString(y.toFloatArray()) + " " + y.provenance());
 *     }
 * }
 * }
 *
 * <p>Probing never throws: a backend whose library or symbols are missing, or whose visible-devices variable is
 * malformed, is listed by {@link #backends()} as unavailable with the reason. Asking for one of its devices throws
 * {@link BackendUnavailableException} carrying that reason.
 *
 * <p>Thread-safe. {@link #close()} synchronises and closes every device opened through this runtime; tensors still
 * open then are reported once in the log (as leaks) and freed when their last reference goes.
 */
public final class Kuaxin implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Kuaxin.class);

    /** Names the ordered device preference used by {@link #best()}, e.g. {@code ascend:*,cpu}. */
    public static final String DEVICES_VARIABLE = "KUAXIN_DEVICES";

    /**
     * How to open a runtime.
     *
     * @param env            environment variables to read (visible devices, {@value #DEVICES_VARIABLE})
     * @param providers      backends to use, or {@code null} to discover them with {@link ServiceLoader}
     * @param fallbackPolicy what ops do when their device cannot run them (default {@link FallbackPolicy#FAIL})
     * @param fallbackDevice the device spec ops fall back to under {@link FallbackPolicy#WARN} and
     *                       {@link FallbackPolicy#ALLOW}, e.g. {@code cpu} (the default) or {@code cuda:1,cpu}
     */
    public record Options(Map<String, String> env, List<BackendProvider> providers, FallbackPolicy fallbackPolicy,
                          String fallbackDevice) {
        /** The default fallback device: the CPU backend's first device. */
        public static final String CPU_FALLBACK = "cpu:0";

        public Options {
            env = Map.copyOf(env);
            providers = providers == null ? null : List.copyOf(providers);
            if (fallbackDevice == null) fallbackDevice = CPU_FALLBACK;
            DeviceSpec.parse(fallbackDevice); // a malformed spec fails here, not at the first fallback
        }

        /** With the default fallback device {@value #CPU_FALLBACK}. */
        public Options(Map<String, String> env, List<BackendProvider> providers, FallbackPolicy fallbackPolicy) {
            this(env, providers, fallbackPolicy, CPU_FALLBACK);
        }

        public static Options defaults() {
            return new Options(System.getenv(), null, FallbackPolicy.FAIL, CPU_FALLBACK);
        }

        public Options withEnv(Map<String, String> e) { return new Options(e, providers, fallbackPolicy, fallbackDevice); }

        public Options withProviders(List<BackendProvider> p) {
            return new Options(env, p, fallbackPolicy, fallbackDevice);
        }

        public Options withFallbackPolicy(FallbackPolicy f) { return new Options(env, providers, f, fallbackDevice); }

        /** With ops falling back to the device {@code spec} names (see {@link DeviceSpec}). */
        public Options withFallbackDevice(String spec) { return new Options(env, providers, fallbackPolicy, spec); }
    }

    private record Backend(BackendProvider provider, BackendStatus status, Device[] devices) {}

    private final Options options;
    private final Map<String, Backend> backends = new LinkedHashMap<>();
    private volatile boolean closed;

    private Kuaxin(Options options) {
        this.options = options;
        List<BackendProvider> providers = options.providers();
        if (providers == null) {
            providers = new ArrayList<>();
            for (BackendProvider p : ServiceLoader.load(BackendProvider.class, Kuaxin.class.getClassLoader())) {
                providers.add(p);
            }
        }
        for (BackendProvider p : providers) {
            BackendStatus st = probe(p);
            if (backends.containsKey(st.name())) {
                LOG.warn("two providers named '{}' ({} and {}); using the first", st.name(),
                        backends.get(st.name()).provider().getClass().getName(), p.getClass().getName());
                continue;
            }
            backends.put(st.name(), new Backend(p, st, new Device[Math.max(st.deviceCount(), 0)]));
            if (!st.available() && !"not implemented yet".equals(st.reason())) {
                LOG.debug("backend {} unavailable: {}", st.name(), st.reason());
            }
        }
    }

    /** Discovers and probes every backend, reading the process environment. */
    public static Kuaxin open() { return new Kuaxin(Options.defaults()); }

    /** Discovers and probes backends as {@code options} say. */
    public static Kuaxin open(Options options) { return new Kuaxin(options); }

    private BackendStatus probe(BackendProvider p) {
        String name = safe(p::name, p.getClass().getSimpleName());
        String vendor = safe(p::vendor, "?");
        List<String> aliases = safe(p::aliases, List.of());
        if (p.spiVersion() != BackendProvider.SPI_VERSION) {
            return new BackendStatus(name, aliases, vendor, false, 0, "built for SPI version " + p.spiVersion()
                    + " but this runtime implements " + BackendProvider.SPI_VERSION
                    + "; use matching Kuaxin artifacts (import kuaxin-bom)", List.of(), 0, null);
        }
        Availability a;
        try {
            a = p.probe();
        } catch (RuntimeException | LinkageError e) { // probe() must not throw; contain a broken provider
            a = Availability.unavailable("probe failed: " + e, List.of());
        }
        String var = safe(p::visibleDevicesVariable, null);
        VisibleDevices visible = null;
        if (var != null) {
            try {
                visible = VisibleDevices.parse(var, options.env().get(var));
                if (a.available()) visible.checkAgainst(a.deviceCount());
            } catch (InvalidArgumentException e) {
                return new BackendStatus(name, aliases, vendor, false, 0, e.getMessage(), a.details(), 0,
                        new VisibleDevices(var, options.env().get(var), List.of()));
            }
        }
        return new BackendStatus(name, aliases, vendor, a.available(), a.score(), a.reason(), a.details(),
                a.available() ? a.deviceCount() : 0, visible);
    }

    private static <T> T safe(java.util.function.Supplier<T> s, T fallback) {
        try {
            return s.get();
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    /** Every discovered backend, available or not, in discovery order. */
    public List<BackendStatus> backends() {
        return backends.values().stream().map(Backend::status).toList();
    }

    /** Every device of every available backend, opening them if needed. */
    public List<Device> devices() {
        checkOpen();
        List<Device> out = new ArrayList<>();
        for (Backend b : backends.values()) {
            if (!b.status().available()) continue;
            for (int i = 0; i < b.devices().length; i++) out.add(open(b, i));
        }
        return out;
    }

    /**
     * The first available device among the choices of {@code spec} (see {@link DeviceSpec}).
     *
     * @throws InvalidArgumentException     if the spec is malformed or names an unknown backend, or a single choice
     *                                      names an ordinal the backend does not have
     * @throws BackendUnavailableException  if no choice is available; the message has each backend's reason
     */
    public Device device(String spec) {
        return device(DeviceSpec.parse(spec));
    }

    /** As {@link #device(String)}. */
    public Device device(DeviceSpec spec) {
        checkOpen();
        List<String> why = new ArrayList<>();
        for (DeviceSpec.Choice c : spec.choices()) {
            Backend b = find(c.backend());
            BackendStatus st = b.status();
            if (!st.available()) {
                why.add(st.name() + ": " + st.reason());
                continue;
            }
            if (c.ordinal() == DeviceSpec.ANY) {
                if (b.devices().length > 0) return open(b, 0);
                why.add(st.name() + ": no devices visible");
                continue;
            }
            if (c.ordinal() < b.devices().length) return open(b, c.ordinal());
            String msg = c + " does not exist: " + st.name() + " has " + b.devices().length + " device(s)"
                    + (st.visible() != null && st.visible().isSet()
                    ? " (" + st.visible().variable() + "=" + st.visible().value() + ")" : "");
            if (spec.choices().size() == 1) throw new InvalidArgumentException(msg);
            why.add(msg);
        }
        String backendName = spec.choices().getFirst().backend();
        throw new BackendUnavailableException(backendName, "no device for '" + spec + "': " + String.join("; ", why));
    }

    /**
     * The preferred device: the first available choice of {@value #DEVICES_VARIABLE} if set, else the first device
     * of the available backend with the highest probe score (a real accelerator before the CPU, the CPU before an
     * emulator).
     */
    public Device best() {
        checkOpen();
        String pref = options.env().get(DEVICES_VARIABLE);
        if (pref != null && !pref.isBlank()) return device(pref);
        return backends.values().stream()
                .filter(b -> b.status().available() && b.devices().length > 0)
                .max(Comparator.comparingInt(b -> b.status().score()))
                .map(b -> open(b, 0))
                .orElseThrow(() -> new BackendUnavailableException("any", "no backend is available: "
                        + backends().stream().map(s -> s.name() + ": " + s.reason()).toList()));
    }

    /** Why {@link #best()} picks what it picks, for reports. */
    public String bestReason() {
        String pref = options.env().get(DEVICES_VARIABLE);
        if (pref != null && !pref.isBlank()) return DEVICES_VARIABLE + "=" + pref;
        return "highest-scoring available backend (accelerator > cpu > emulator); set " + DEVICES_VARIABLE
                + " or pass --device to choose";
    }

    /**
     * The device ops fall back to under {@link FallbackPolicy#WARN}/{@link FallbackPolicy#ALLOW}:
     * {@link Options#fallbackDevice()}, {@code cpu:0} unless configured.
     *
     * @throws BackendUnavailableException if that device cannot be opened here
     */
    public Device fallbackDevice() {
        String spec = options.fallbackDevice();
        try {
            return device(spec);
        } catch (BackendUnavailableException | InvalidArgumentException e) {
            throw new BackendUnavailableException(DeviceSpec.parse(spec).choices().getFirst().backend(),
                    "no fallback device " + spec + " (" + e.getMessage() + "); add io.kuaxin:kuaxin-backend-cpu-reference"
                    + " to the class path or choose another with Kuaxin.Options.withFallbackDevice");
        }
    }

    /** The runtime-wide fallback policy, used by ops whose context names none. */
    public FallbackPolicy fallbackPolicy() { return options.fallbackPolicy(); }

    private Backend find(String name) {
        Backend b = backends.get(name);
        if (b != null) return b;
        for (Backend x : backends.values()) {
            if (x.status().aliases().contains(name)) return x;
        }
        throw new InvalidArgumentException("unknown backend '" + name + "'; known: "
                + backends.values().stream().map(x -> x.status().name()).toList()
                + " (is its kuaxin-backend-* artifact on the class path?)");
    }

    private Device open(Backend b, int ordinal) {
        synchronized (b) {
            checkOpen();
            Device d = b.devices()[ordinal];
            if (d == null) {
                d = new Device(this, b.provider().open(ordinal));
                b.devices()[ordinal] = d;
            }
            return d;
        }
    }

    private void checkOpen() {
        if (closed) throw new ClosedResourceException("this Kuaxin runtime is closed");
    }

    /** Closes every device (waiting for its work) and every backend. Closing twice throws. */
    @Override
    public void close() {
        synchronized (this) {
            checkOpen();
            closed = true;
        }
        RuntimeException first = null;
        for (Backend b : backends.values()) {
            for (Device d : b.devices()) {
                if (d == null) continue;
                try {
                    long leaked = d.close();
                    if (leaked > 0) {
                        LOG.warn("{}: {} bytes still held by tensors that were never closed; close tensors or use a"
                                + " Scope", d.id(), leaked);
                    }
                } catch (RuntimeException e) {
                    if (first == null) first = e;
                }
            }
            try {
                b.provider().close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }
}
