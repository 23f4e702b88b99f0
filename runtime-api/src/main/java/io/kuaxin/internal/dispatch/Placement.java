package io.kuaxin.internal.dispatch;

import io.kuaxin.DType;
import io.kuaxin.FallbackPolicy;
import io.kuaxin.Tensor;
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
 * <p>A device's "yes" is remembered per op for the last few (attributes, input dtypes) it accepted
 * ({@link Candidate#accepts}), so an op repeated with the same attributes and dtypes, as in a model's forward, asks
 * its backend once: a backend's answer for given arguments does not change while its device is open. A refusal is
 * asked again each time (it is the rare path, and it needs the policy and the fallback device anyway).
 *
 * <p>Thread-safe and stateless apart from those answers and the set of warnings already logged.
 */
public final class Placement {
    private static final Logger LOG = LoggerFactory.getLogger(Placement.class);
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private Placement() {}

    /** A device an op may run on, as placement sees it, with the answers its backend already gave. */
    public record Candidate<D>(D device, String id, DeviceBackend backend, Accepted accepted) {
        public Candidate(D device, String id, DeviceBackend backend) {
            this(device, id, backend, new Accepted());
        }

        /**
         * Whether this device's backend already accepted {@code op} with these attributes and the dtypes of
         * {@code inputs}, in order; allocates nothing. False means "ask {@link #place}", not "refused".
         */
        public boolean accepts(Op op, OpAttributes attrs, List<Tensor> inputs) {
            return accepted.contains(op, attrs, inputs);
        }

        /** Drops what this backend accepted for {@code op}: it refused at launch, so placement must ask again. */
        public void forget(Op op) {
            accepted.forget(op);
        }
    }

    /**
     * The last {@value #WAYS} (attributes, dtypes) a backend accepted, per op. Entries are immutable and replaced
     * whole, so readers need no lock: a racing reader sees an old entry, a new one, or none, and each is a true answer.
     */
    public static final class Accepted {
        private static final int WAYS = 4;

        private record Entry(OpAttributes attrs, DType[] dtypes) {}

        private final Entry[][] byOp = new Entry[Op.values().length][WAYS];
        private final int[] next = new int[Op.values().length];

        boolean contains(Op op, OpAttributes attrs, List<Tensor> inputs) {
            Entry[] row = byOp[op.ordinal()];
            for (Entry e : row) {
                if (e != null && matches(e, attrs, inputs)) return true;
            }
            return false;
        }

        private static boolean matches(Entry e, OpAttributes attrs, List<Tensor> inputs) {
            DType[] d = e.dtypes();
            if (d.length != inputs.size()) return false;
            for (int i = 0; i < d.length; i++) {
                if (inputs.get(i).dtype() != d[i]) return false;
            }
            return e.attrs() == attrs || e.attrs().equals(attrs);
        }

        void forget(Op op) {
            java.util.Arrays.fill(byOp[op.ordinal()], null);
        }

        void add(Op op, OpAttributes attrs, List<DType> dtypes) {
            int o = op.ordinal();
            int slot;
            synchronized (this) { // only the round-robin index; readers never lock
                slot = next[o];
                next[o] = (slot + 1) % WAYS;
            }
            byOp[o][slot] = new Entry(attrs, dtypes.toArray(new DType[0]));
        }
    }

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
        if (refused == null) {
            if (attrs != null) home.accepted().add(op, attrs, dtypes);
            return home;
        }
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
