package io.kuaxin;

import io.kuaxin.internal.dispatch.Placement;
import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;
import io.kuaxin.op.TensorType;
import io.kuaxin.spi.KernelCall;

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

    /** What an enqueued op produced and the kernel or library call that computes it. */
    private record Launched(Tensor output, String kernel) {}

    /**
     * Runs a validated op. Inputs must all be open and on one device; {@code given}, if not null, is the
     * caller-provided output, already checked against {@code out}.
     *
     * @param stream where the op goes, or null for its device's default stream
     * @param policy the caller's fallback policy, or null for the runtime's
     * @param out    the output's dtype and shape, inferred by the op's spec
     * @param frame  the calling thread's frame: its output list and kernel call slot are filled here
     * @return {@code given}, or the new output (owned by the first input's scope, if any)
     */
    static Tensor run(Stream stream, FallbackPolicy policy, Op op, OpAttributes attrs, List<Tensor> inputs,
                      TensorType out, Tensor given, CallFrame frame) {
        // Every op comes here: nothing below allocates on the common path (home device, placement answered before)
        // apart from a new output; lists and the kernel call are the frame's. The JFR event only while JFR runs.
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
        Tensor output;
        String kernel;
        if (fallback) {
            Launched done = runOnFallback(s, exec, op, attrs, inputs, out, given, frame.call);
            output = done.output();
            kernel = done.kernel();
        } else {
            output = given != null ? given : allocate(s.device(), out, inputs);
            try {
                frame.outputs.push(output);
                kernel = launch(s, frame.call, op, attrs, inputs, frame.outputs);
            } catch (RuntimeException e) {
                if (output != given) output.closeQuietly();
                // the backend accepted this op but refused at launch (a kernel module found stale on first use):
                // its remembered "yes" is gone, so the next call asks placement again and may fall back
                if (e instanceof UnsupportedOpException) dev.candidate.forget(op);
                throw e;
            }
        }
        output.provenance(exec.provenance(op, kernel, fallback));
        if (ev != null && ev.shouldCommit()) {
            ev.op = op.label();
            ev.device = exec.id();
            ev.kernel = kernel;
            ev.fallback = fallback;
            ev.dtypes = dtypes(inputs).toString();
            ev.shapes = inputs.stream().map(t -> t.shape().toString()).toList().toString();
            ev.commit();
        }
        return output;
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
                                          TensorType out, Tensor given, KernelCall slot) {
        List<Tensor> moved = new ArrayList<>();
        Tensor remote = null;
        try {
            for (Tensor t : inputs) moved.add(onDevice(t, exec));
            remote = exec.allocate(out.dtype(), out.shape(), null, null);
            String kernel = launch(exec.defaultStream(), slot, op, attrs, moved, List.of(remote));
            if (given != null) {
                s.copy(remote, given);
                return new Launched(given, kernel);
            }
            Tensor back = allocate(s.device(), out, inputs);
            try {
                back.storage.mirror(new FallbackOutput(remote));
            } catch (RuntimeException e) {
                back.closeQuietly();
                throw e;
            }
            remote = null; // the output's storage owns it now
            return new Launched(back, kernel);
        } finally {
            moved.forEach(Tensor::closeQuietly);
            if (remote != null) remote.closeQuietly();
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

    private static Device commonDevice(Op op, List<Tensor> inputs, Tensor given) {
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
        if (given != null) {
            given.checkOpen();
            if (given.device() != dev) {
                throw new InvalidArgumentException(op.label() + ": output is on " + given.device().id() + " but the "
                        + "inputs are on " + dev.id());
            }
        }
        return dev;
    }

    /** A new output on {@code dev}, owned by the first input's scope, if any. */
    private static Tensor allocate(Device dev, TensorType out, List<Tensor> inputs) {
        Scope owner = inputs.isEmpty() ? null : inputs.getFirst().owner();
        return dev.allocate(out.dtype(), out.shape(), owner, null);
    }

    /**
     * Fills the frame's call slot and enqueues it. The slot is reused by this thread's next op: backends read it
     * only until {@code execute} returns (see {@link KernelCall}).
     */
    private static String launch(Stream s, KernelCall slot, Op op, OpAttributes attrs, List<Tensor> inputs,
                                 List<Tensor> outputs) {
        int ni = inputs.size(), no = outputs.size();
        slot.set(op, attrs, ni, no);
        for (int i = 0; i < ni; i++) slot.setInput(i, inputs.get(i).ref());
        for (int i = 0; i < no; i++) slot.setOutput(i, outputs.get(i).ref());
        return s.launch(slot, inputs, outputs);
    }
}
