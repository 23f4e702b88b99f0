package io.kuaxin;

import io.kuaxin.internal.dispatch.Placement;
import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;
import io.kuaxin.spi.KernelCall;
import io.kuaxin.spi.TensorRef;

import jdk.jfr.FlightRecorder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs one validated op: finds its device, asks {@link Placement} where it runs, allocates its outputs, enqueues
 * it there, and stamps the outputs' provenance and the JFR event. Its one caller is {@link FrontDoor#call}, which
 * every op takes (typed methods, {@code Ops.call}, {@link Tensor#contiguous}) and which validates through the op's
 * spec first.
 */
final class OpRunner {
    private OpRunner() {}

    /** The output of an op: dtype and shape, inferred by the op's spec. */
    record Out(DType dtype, Shape shape) {}

    /** What an enqueued op produced and the kernel or library call that computes it. */
    record Launched(List<Tensor> outputs, String kernel) {}

    /**
     * Runs a validated op. Inputs must all be open and on one device; {@code given} (nullable entries) are
     * caller-provided outputs already checked against {@code outs}.
     *
     * @param stream where the op goes, or null for its device's default stream
     * @param policy the caller's fallback policy, or null for the runtime's
     */
    static List<Tensor> run(Stream stream, FallbackPolicy policy, Op op, OpAttributes attrs, List<Tensor> inputs,
                            List<Out> outs, List<Tensor> given) {
        // Every op comes here: nothing below allocates on the common path (home device, placement answered before)
        // apart from the outputs, the kernel call and its tensor refs. The JFR event only while JFR runs.
        OpEvent ev = null;
        if (FlightRecorder.isInitialized()) {
            ev = new OpEvent();
            ev.begin();
        }
        Device dev = commonDevice(op, inputs, given);
        if (stream != null && stream.device() != dev) {
            throw new InvalidArgumentException(op.label() + ": inputs are on " + dev.id() + " but the context's "
                    + "stream is on " + stream.device().id());
        }
        Stream s = stream != null ? stream : dev.defaultStream();
        Device exec = dev.candidate.accepts(op, attrs, inputs) ? dev : place(dev, policy, op, attrs, inputs);
        boolean fallback = exec != dev;
        List<Tensor> outputs;
        String kernel;
        if (fallback) {
            Launched done = runOnFallback(s, exec, op, attrs, inputs, outs, given);
            outputs = done.outputs();
            kernel = done.kernel();
        } else {
            outputs = allocateOutputs(s.device(), outs, given, inputs);
            try {
                kernel = launch(s, op, attrs, inputs, outputs);
            } catch (RuntimeException e) {
                closeNew(outputs, given);
                throw e;
            }
        }
        Provenance prov = exec.provenance(op, kernel, fallback);
        for (int i = 0, n = outputs.size(); i < n; i++) outputs.get(i).provenance(prov);
        if (ev != null && ev.shouldCommit()) {
            ev.op = op.label();
            ev.device = exec.id();
            ev.kernel = kernel;
            ev.fallback = fallback;
            ev.dtypes = dtypes(inputs).toString();
            ev.shapes = inputs.stream().map(t -> t.shape().toString()).toList().toString();
            ev.commit();
        }
        return outputs;
    }

    /** Asks {@link Placement}: the first time an op meets these attributes and dtypes, or when home refuses it. */
    private static Device place(Device dev, FallbackPolicy policy, Op op, OpAttributes attrs, List<Tensor> inputs) {
        return Placement.place(op, attrs, dtypes(inputs), dev.candidate,
                policy != null ? policy : dev.runtime().fallbackPolicy(),
                () -> dev.runtime().fallbackDevice().candidate).device();
    }

    private static List<DType> dtypes(List<Tensor> inputs) {
        DType[] dt = new DType[inputs.size()];
        for (int i = 0; i < dt.length; i++) dt[i] = inputs.get(i).dtype();
        return Arrays.asList(dt);
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
                        back.get(i).storage.mirror(new FallbackOutput(remote.get(i)));
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
                m instanceof FallbackOutput r && r.tensor().device() == exec ? t.viewOver(r.tensor()) : null);
        if (there != null) return there;
        Tensor c = t.to(exec);
        Scope o = c.owner();
        if (o != null) o.detach(c);
        return c;
    }

    private static Device commonDevice(Op op, List<Tensor> inputs, List<Tensor> given) {
        Device dev = null;
        for (int i = 0, n = inputs.size(); i < n; i++) { // indexed loops: no iterator per op
            Tensor t = inputs.get(i);
            t.checkOpen();
            if (dev == null) {
                dev = t.device();
            } else if (t.device() != dev) {
                throw new InvalidArgumentException(op.label() + ": input " + i + " is on " + t.device().id() + " but "
                        + "input 0 is on " + dev.id() + "; move it with tensor.to(device)");
            }
        }
        for (int i = 0, n = given.size(); i < n; i++) {
            Tensor t = given.get(i);
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
        if (allGiven(outs, given)) return given; // no list to build
        Scope owner = inputs.isEmpty() ? null : inputs.getFirst().owner();
        if (outs.size() == 1) {
            return List.of(dev.allocate(outs.getFirst().dtype(), outs.getFirst().shape(), owner, null));
        }
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

    private static boolean allGiven(List<Out> outs, List<Tensor> given) {
        if (given.size() != outs.size()) return false;
        for (int i = 0, n = given.size(); i < n; i++) {
            if (given.get(i) == null) return false;
        }
        return true;
    }

    private static void closeNew(List<Tensor> result, List<Tensor> given) {
        for (Tensor t : result) {
            if (!given.contains(t)) t.closeQuietly();
        }
    }

    private static String launch(Stream s, Op op, OpAttributes attrs, List<Tensor> inputs, List<Tensor> outputs) {
        return s.launch(new KernelCall(op, attrs, refs(inputs), refs(outputs)), inputs, outputs);
    }

    /** The tensors' refs; one or two (most ops) in an immutable list that holds them without an array. */
    private static List<TensorRef> refs(List<Tensor> ts) {
        return switch (ts.size()) {
            case 0 -> List.of();
            case 1 -> List.of(ts.get(0).ref());
            case 2 -> List.of(ts.get(0).ref(), ts.get(1).ref());
            default -> {
                TensorRef[] r = new TensorRef[ts.size()];
                for (int i = 0; i < r.length; i++) r[i] = ts.get(i).ref();
                yield Arrays.asList(r);
            }
        };
    }
}
