package io.kuaxin.spi.ffm;

import io.kuaxin.BackendUnavailableException;
import io.kuaxin.VisibleDevices;
import io.kuaxin.spi.Availability;
import io.kuaxin.spi.BackendProvider;
import io.kuaxin.spi.DeviceBackend;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The probe every FFM backend runs, as a template: locate the vendor libraries ({@link #locate}), bind every symbol
 * ({@link #bind}), describe what was bound ({@link #describe}), count devices ({@link #countDevices}), and report
 * each step's failure as an unavailable reason with everything searched in the details. A subclass supplies those
 * steps and {@link #open(Object, int, String)}; the template owns the bound symbols, the visible-devices mapping and
 * the never-throw rule.
 *
 * <p>{@link #probe()} never throws. {@link #open(int)} probes first if needed. Both are synchronized, so one
 * provider binds once however many threads ask.
 *
 * @param <S> the backend's bound symbols ({@code XxxSymbols})
 */
public abstract class FfmBackendProvider<S> implements BackendProvider {
    /** The environment the provider reads, fixed at construction (tests and tools pass their own). */
    protected final Map<String, String> env;
    private S symbols;

    protected FfmBackendProvider(Map<String, String> env) { this.env = Map.copyOf(env); }

    /** Step 1: where the vendor libraries are; never throws. */
    protected abstract VendorLibraries locate();

    /**
     * Step 2: loads the libraries and binds every symbol.
     *
     * @throws SymbolBinder.MissingSymbolsException naming every missing required symbol
     * @throws RuntimeException                     or {@link LinkageError} if a file cannot be loaded
     */
    protected abstract S bind(VendorLibraries libs);

    /** Step 3: lines for the details after binding (symbol counts, optional telemetry libraries). */
    protected void describe(S symbols, VendorLibraries libs, List<String> details) {}

    /**
     * Step 4: initialises the vendor runtime if it needs it and counts devices; the symbols are already this
     * provider's ({@link #symbols()}).
     *
     * @throws Unavailable with a reason when the runtime says there is nothing to use
     * @throws Throwable   anything else, reported as "{@link #runtimeName()} failed during probe"
     */
    protected abstract int countDevices(S symbols) throws Throwable;

    /** The vendor runtime's name in reasons, e.g. {@code AscendCL}. */
    protected abstract String runtimeName();

    /**
     * Opens logical device {@code ordinal}, numbered {@code physicalId} by the vendor.
     *
     * @throws io.kuaxin.KuaxinException if the vendor runtime cannot set up the device
     */
    protected abstract DeviceBackend open(S symbols, int ordinal, String physicalId);

    /** A reason from {@link #countDevices} that the backend is unavailable, reported as it is. */
    public static final class Unavailable extends RuntimeException {
        public Unavailable(String reason) { super(reason, null, false, false); }
    }

    @Override
    public final synchronized Availability probe() {
        VendorLibraries libs = locate();
        List<String> details = new ArrayList<>();
        if (!libs.found()) {
            details.addAll(libs.searched());
            return Availability.unavailable(libs.notFoundReason(env), details);
        }
        libs.paths().forEach((role, path) -> details.add(role + ": " + path));
        S s;
        try {
            s = bind(libs);
        } catch (SymbolBinder.MissingSymbolsException e) {
            return Availability.unavailable(e.getMessage(), details);
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable("cannot load " + libs.first() + ": " + e.getMessage(), details);
        }
        try {
            describe(s, libs, details);
            symbols = s;
            int count = countDevices(s);
            if (count <= 0) {
                String var = visibleDevicesVariable();
                return Availability.unavailable(runtimeName() + " reports no devices"
                        + (var != null && env.get(var) != null ? " (" + var + "=" + env.get(var) + ")" : ""), details);
            }
            return Availability.available(libs.emulated() ? Availability.SCORE_EMULATOR
                            : Availability.SCORE_ACCELERATOR, count,
                    count + " device(s) via " + (libs.emulated() ? "the Kuaxin emulator " : "") + libs.first(),
                    details);
        } catch (Unavailable e) {
            return Availability.unavailable(e.getMessage(), details);
        } catch (Throwable e) {
            return Availability.unavailable(runtimeName() + " failed during probe: " + e.getMessage(), details);
        }
    }

    /**
     * Opens logical device {@code ordinal}, probing first if needed.
     *
     * @throws BackendUnavailableException if the probe fails, with its reason
     */
    @Override
    public final synchronized DeviceBackend open(int ordinal) {
        if (symbols == null) {
            Availability a = probe();
            if (!a.available()) throw new BackendUnavailableException(name(), a.reason());
        }
        return open(symbols, ordinal, physicalId(ordinal));
    }

    /** The vendor's id of logical device {@code ordinal} under {@link #visibleDevicesVariable()}. */
    protected final String physicalId(int ordinal) {
        try {
            VisibleDevices v = VisibleDevices.parse(visibleDevicesVariable(), env.get(visibleDevicesVariable()));
            return v.isSet() ? v.physicalId(ordinal) : Integer.toString(ordinal);
        } catch (RuntimeException e) {
            return Integer.toString(ordinal);
        }
    }

    /**
     * The symbols bound by the last probe that got that far, or {@code null}. A backend may override it only to
     * widen access for its own package's tests.
     */
    protected synchronized S symbols() { return symbols; }
}
