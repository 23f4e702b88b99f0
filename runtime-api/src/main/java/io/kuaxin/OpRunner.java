package io.kuaxin;

import io.kuaxin.internal.dispatch.Placement;
import io.kuaxin.internal.memory.Storage;
import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;
import io.kuaxin.spi.KernelCall;
import io.kuaxin.spi.TensorRef;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs one validated op: finds its device, asks {@link Placement} where it runs, allocates its outputs, enqueues
 * it there, and stamps the outputs' provenance and the JFR event. The op methods of {@link OpContext} validate and
 * then call {@link #run} once.
 */
final class OpRunner {
    private OpRunner() {}

    /** The output of an op: dtype and shape, inferred by the op's spec. */
    record Out(DType dtype, Shape shape) {}

    /** What an enqueued op produced and the kernel or library call that computes it. */
    record Launched(List<Tensor> outputs, String kernel) {}

    /**
     * An output of a fallback run, still on the fallback device; its storage on the op's own device receives it
     * when work there first uses it.
     */
    record Remote(Tensor tensor) implements Storage.Mirror {
        @Override
        public void release() { tensor.closeQuietly(); }
    }

    /**
     * Runs a validated op. Inputs must all be open and on one device; {@code given} (nullable entries) are
     * caller-provided outputs already checked against {@code outs}.
     *
     * @param stream where the op goes, or null for its device's default stream
     * @param policy the caller's fallback policy, or null for the runtime's
     */
    static List<Tensor> run(Stream stream, FallbackPolicy policy, Op op, OpAttributes attrs, List<Tensor> inputs,
                            List<Out> outs, List<Tensor> given) {
        OpEvent ev = new OpEvent();
        ev.begin();
        Device dev = commonDevice(op, inputs, given);
        if (stream != null && stream.device() != dev) {
            throw new InvalidArgumentException(op.label() + ": inputs are on " + dev.id() + " but the context's "
                    + "stream is on " + stream.device().id());
        }
        DType[] dt = new DType[inputs.size()]; // a loop, not a stream: this runs for every op
        for (int i = 0; i < dt.length; i++) dt[i] = inputs.get(i).dtype();
        List<DType> dtypes = Arrays.asList(dt);
        Stream s = stream != null ? stream : dev.defaultStream();
        Device exec = Placement.place(op, attrs, dtypes, dev.candidate,
                policy != null ? policy : dev.runtime().fallbackPolicy(),
                () -> dev.runtime().fallbackDevice().candidate).device();
        boolean fallback = exec != dev;
        Launched done = fallback ? runOnFallback(s, exec, op, attrs, inputs, outs, given)
                : runHere(s, op, attrs, inputs, outs, given);
        Provenance prov = exec.provenance(op, done.kernel(), fallback);
        for (Tensor t : done.outputs()) t.provenance(prov);
        if (ev.shouldCommit()) {
            ev.op = op.label();
            ev.device = exec.id();
            ev.kernel = done.kernel();
            ev.fallback = fallback;
            ev.dtypes = dtypes.toString();
            ev.shapes = inputs.stream().map(t -> t.shape().toString()).toList().toString();
            ev.commit();
        }
        return done.outputs();
    }

    private static Launched runHere(Stream s, Op op, OpAttributes attrs, List<Tensor> inputs, List<Out> outs,
                                    List<Tensor> given) {
        List<Tensor> result = allocateOutputs(s.device(), outs, given, inputs);
        try {
            return new Launched(result, launch(s, op, attrs, inputs, result));
        } catch (RuntimeException e) {
            closeNew(result, given);
            throw e;
        }
    }

    /**
     * Runs on {@code exec}, the fallback device. Inputs an earlier fallback op left there are read there; others are
     * copied over. A new output stays there and reaches its own device when work there first uses it, so
     * consecutive fallback ops pay one transfer in and one out; an output the caller gave is copied back at once,
     * on the caller's stream {@code s}.
     */
    private static Launched runOnFallback(Stream s, Device exec, Op op, OpAttributes attrs, List<Tensor> inputs,
                                          List<Out> outs, List<Tensor> given) {
        List<Tensor> moved = new ArrayList<>();
        List<Tensor> remote = new ArrayList<>();
        try {
            for (Tensor t : inputs) moved.add(onDevice(t, exec));
            for (Out o : outs) remote.add(exec.allocate(o.dtype(), o.shape(), null, null));
            String kernel = launch(exec.defaultStream(), op, attrs, moved, remote);
            List<Tensor> back = allocateOutputs(s.device(), outs, given, inputs);
            try {
                for (int i = 0; i < back.size(); i++) {
                    Tensor g = given.isEmpty() ? null : given.get(i);
                    if (g != null) {
                        s.copy(remote.get(i), g);
                    } else {
                        back.get(i).storage.mirror(new Remote(remote.get(i)));
                        remote.set(i, null); // the output's storage owns it now
                    }
                }
            } catch (RuntimeException e) {
                closeNew(back, given);
                throw e;
            }
            return new Launched(back, kernel);
        } finally {
            moved.forEach(Tensor::closeQuietly);
            for (Tensor t : remote) {
                if (t != null) t.closeQuietly();
            }
        }
    }

    /** {@code t} on {@code exec}: a view of what a fallback op left there, else a copy owned by nobody. */
    private static Tensor onDevice(Tensor t, Device exec) {
        Tensor there = t.storage.withMirror(m -> // the mirror stays while the view takes its reference
                m instanceof Remote r && r.tensor().device() == exec ? t.viewOver(r.tensor()) : null);
        if (there != null) return there;
        Tensor c = t.to(exec);
        Scope o = c.owner();
        if (o != null) o.detach(c);
        return c;
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
}
