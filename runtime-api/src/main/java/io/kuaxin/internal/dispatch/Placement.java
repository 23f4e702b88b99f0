package io.kuaxin.internal.dispatch;

import io.kuaxin.DType;
import io.kuaxin.FallbackPolicy;
import io.kuaxin.UnsupportedOpException;
import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;
import io.kuaxin.spi.DeviceBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Where an op runs, decided once per op before anything is allocated: on its inputs' device when that device's
 * backend runs it ({@link DeviceBackend#unsupportedReason}), else, when the {@link FallbackPolicy} allows, on the
 * runtime's fallback device. Consecutive ops that all fall back form one run on the fallback device: an output
 * left there is not copied back until something needs it on its own device (see
 * {@link io.kuaxin.internal.memory.Storage.Mirror}), so a run pays one transfer in and one out.
 *
 * <p>Thread-safe and stateless apart from the set of warnings already logged.
 */
public final class Placement {
    private static final Logger LOG = LoggerFactory.getLogger(Placement.class);
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private Placement() {}

    /** A device an op may run on, as placement sees it. */
    public record Candidate<D>(D device, String id, DeviceBackend backend) {}

    /**
     * The device {@code op} runs on: {@code home} if its backend runs it, else the fallback.
     *
     * @param policy   the caller's or the runtime's policy
     * @param fallback the runtime's fallback device, opened only when needed
     * @throws UnsupportedOpException if home refuses and the policy is FAIL, or the fallback refuses too
     */
    public static <D> Candidate<D> place(Op op, OpAttributes attrs, List<DType> dtypes, Candidate<D> home,
                                         FallbackPolicy policy, Supplier<Candidate<D>> fallback) {
        String refused = home.backend().unsupportedReason(op, attrs, dtypes);
        if (refused == null) return home;
        if (policy == FallbackPolicy.FAIL) throw new UnsupportedOpException(op.label(), dtypes, home.id(), refused);
        Candidate<D> exec = fallback.get();
        String why = exec.device() == home.device() ? "it is the same device"
                : exec.backend().unsupportedReason(op, attrs, dtypes);
        if (why != null) {
            throw new UnsupportedOpException(op.label(), dtypes, home.id(), refused + "; the fallback " + exec.id()
                    + " cannot run it either: " + why);
        }
        if (policy == FallbackPolicy.WARN && WARNED.add(op + "@" + home.id())) {
            LOG.warn("{} {} is not supported on {} ({}); running it on {} under FallbackPolicy.WARN",
                    op.label(), dtypes, home.id(), refused, exec.id());
        }
        return exec;
    }
}
