package io.kuaxin;

import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;
import io.kuaxin.spi.KernelCall;
import io.kuaxin.spi.TensorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where and how ops run: on a given stream (or each op on its inputs' device's default stream) under a
 * {@link FallbackPolicy} (or the runtime's). Immutable and thread-safe; get one from {@link Ops#on(Stream)} or
 * {@link Ops#withFallback(FallbackPolicy)}.
 *
 * <p>Every op validates its arguments completely before anything reaches a backend, allocates its outputs on the
 * executing device (owned by the scope of its first input, if any), enqueues, and returns without waiting.
 */
public final class OpContext {
    private static final Logger LOG = LoggerFactory.getLogger(OpContext.class);
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();
    static final OpContext DEFAULT = new OpContext(null, null);

    private final Stream stream;
    private final FallbackPolicy policy;

    OpContext(Stream stream, FallbackPolicy policy) {
        this.stream = stream;
        this.policy = policy;
    }

    /** This context with ops enqueued on {@code s}. */
    public OpContext on(Stream s) { return new OpContext(s, policy); }

    /** This context with fallback policy {@code p}. */
    public OpContext withFallback(FallbackPolicy p) { return new OpContext(stream, p); }

    /** The output of an op: dtype and shape, inferred by the op's spec. */
    record Out(DType dtype, Shape shape) {}

    /**
     * Runs a validated op. Inputs must all be open and on one device; {@code given} (nullable entries) are
     * caller-provided outputs already checked against {@code outs}.
     */
    List<Tensor> run(Op op, OpAttributes attrs, List<Tensor> inputs, List<Out> outs, List<Tensor> given) {
        OpEvent ev = new OpEvent();
        ev.begin();
        Device dev = commonDevice(op, inputs, given);
        if (stream != null && stream.device() != dev) {
            throw new InvalidArgumentException(op.label() + ": inputs are on " + dev.id() + " but the context's "
                    + "stream is on " + stream.device().id());
        }
        List<DType> dtypes = inputs.stream().map(Tensor::dtype).toList();
        String unsupported = dev.spi.unsupportedReason(op, dtypes);
        List<Tensor> result;
        String kernel;
        boolean fallback = unsupported != null;
        Device exec = dev;
        if (!fallback) {
            Stream s = stream != null ? stream : dev.defaultStream();
            result = allocateOutputs(dev, outs, given, inputs);
            try {
                kernel = launch(s, op, attrs, inputs, result);
            } catch (RuntimeException e) {
                closeNew(result, given);
                throw e;
            }
        } else {
            FallbackPolicy p = policy != null ? policy : dev.runtime().fallbackPolicy();
            if (p == FallbackPolicy.FAIL) throw new UnsupportedOpException(op.label(), dtypes, dev.id(), unsupported);
            exec = dev.runtime().fallbackDevice();
            String why = exec.spi.unsupportedReason(op, dtypes);
            if (why != null) throw new UnsupportedOpException(op.label(), dtypes, dev.id(), unsupported
                    + "; the fallback " + exec.id() + " cannot run it either: " + why);
            if (p == FallbackPolicy.WARN && WARNED.add(op + "@" + dev.id())) {
                LOG.warn("{} {} is not supported on {} ({}); running it on {} under FallbackPolicy.WARN",
                        op.label(), dtypes, dev.id(), unsupported, exec.id());
            }
            String[] k = new String[1];
            result = runElsewhere(exec, dev, op, attrs, inputs, outs, given, k);
            kernel = k[0];
        }
        Provenance prov = new Provenance(op.label(), exec.id(), kernel, fallback);
        for (Tensor t : result) t.provenance(prov);
        if (ev.shouldCommit()) {
            ev.op = op.label();
            ev.device = exec.id();
            ev.kernel = kernel;
            ev.fallback = fallback;
            ev.dtypes = dtypes.toString();
            ev.shapes = inputs.stream().map(t -> t.shape().toString()).toList().toString();
            ev.commit();
        }
        return result;
    }

    private static Device commonDevice(Op op, List<Tensor> inputs, List<Tensor> given) {
        Device dev = null;
        String first = null;
        int i = 0;
        for (Tensor t : inputs) {
            t.checkOpen();
            if (dev == null) {
                dev = t.device();
                first = "input 0";
            } else if (t.device() != dev) {
                throw new InvalidArgumentException(op.label() + ": input " + i + " is on " + t.device().id() + " but "
                        + first + " is on " + dev.id() + "; move it with tensor.to(device)");
            }
            i++;
        }
        for (Tensor t : given) {
            if (t == null) continue;
            t.checkOpen();
            if (t.device() != dev) {
                throw new InvalidArgumentException(op.label() + ": output is on " + t.device().id() + " but the inputs"
                        + " are on " + dev.id());
            }
        }
        return dev;
    }

    private static List<Tensor> allocateOutputs(Device dev, List<Out> outs, List<Tensor> given, List<Tensor> inputs) {
        Scope owner = inputs.isEmpty() ? null : inputs.getFirst().owner();
        List<Tensor> result = new ArrayList<>(outs.size());
        try {
            for (int i = 0; i < outs.size(); i++) {
                Tensor g = given.isEmpty() ? null : given.get(i);
                result.add(g != null ? g : dev.allocate(outs.get(i).dtype(), outs.get(i).shape(), owner, null));
            }
        } catch (RuntimeException e) {
            closeNew(result, given);
            throw e;
        }
        return result;
    }

    private static void closeNew(List<Tensor> result, List<Tensor> given) {
        for (Tensor t : result) {
            if (!given.contains(t)) t.closeQuietly();
        }
    }

    private static String launch(Stream s, Op op, OpAttributes attrs, List<Tensor> inputs, List<Tensor> outputs) {
        List<TensorRef> in = new ArrayList<>(inputs.size());
        for (Tensor t : inputs) in.add(t.ref());
        List<TensorRef> out = new ArrayList<>(outputs.size());
        for (Tensor t : outputs) out.add(t.ref());
        return s.launch(new KernelCall(op, attrs, in, out), inputs, outputs);
    }

    // ---------------------------------------------------------------- ops

    /** A contiguous copy of {@code x} (any strides, including broadcast views) on its device. */
    public Tensor copy(Tensor x) {
        x.checkOpen();
        return run(Op.COPY, OpAttributes.NONE, List.of(x), List.of(new Out(x.dtype(), x.shape())), List.of()).getFirst();
    }

    /** Copies inputs to {@code exec}, runs there, copies outputs back to {@code home}. */
    private List<Tensor> runElsewhere(Device exec, Device home, Op op, OpAttributes attrs, List<Tensor> inputs,
                                      List<Out> outs, List<Tensor> given, String[] kernel) {
        List<Tensor> moved = new ArrayList<>();
        List<Tensor> tmpOut = new ArrayList<>();
        try {
            for (Tensor t : inputs) moved.add(detachedCopy(t, exec));
            for (Out o : outs) tmpOut.add(exec.allocate(o.dtype(), o.shape(), null, null));
            kernel[0] = launch(exec.defaultStream(), op, attrs, moved, tmpOut);
            List<Tensor> back = allocateOutputs(home, outs, given, inputs);
            for (int i = 0; i < back.size(); i++) home.defaultStream().copy(tmpOut.get(i), back.get(i));
            return back;
        } finally {
            moved.forEach(Tensor::closeQuietly);
            tmpOut.forEach(Tensor::closeQuietly);
        }
    }

    private static Tensor detachedCopy(Tensor t, Device exec) {
        Tensor c = t.to(exec);
        Scope o = c.owner();
        if (o != null) o.detach(c);
        return c;
    }
}
