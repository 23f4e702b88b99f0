package io.kuaxin;

import io.kuaxin.op.TensorType;
import io.kuaxin.spi.KernelCall;

import java.util.AbstractList;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * What one op needs on its way through the front door, kept per thread and reused op after op: the inputs as a
 * list, their types, the one output as a list, and the {@link KernelCall} slot handed to the backend. An op
 * therefore builds none of them. {@link #exit} drops every reference, so a frame keeps no tensor reachable between
 * ops.
 *
 * <p>Why few stores matter: a frame lives long (old generation), and under G1 each reference stored into an old
 * object pays a card-marking barrier with a memory fence, where a store into a fresh object does not. So the types
 * are a view, not a copy.
 *
 * <p>Thread-confined. A thread that enters the front door again while its frame is in use (from inside an op's
 * validation or launch) gets a fresh frame, so nothing it does can overwrite the outer op's.
 */
final class CallFrame {
    private static final ThreadLocal<CallFrame> CURRENT = ThreadLocal.withInitial(CallFrame::new);

    final Args<Tensor> inputs = new Args<>();
    /** The inputs' types, read through from the inputs (each cached by its tensor): nothing stored per op. */
    final java.util.List<TensorType> types = new TypesOf(inputs);
    final Args<Tensor> outputs = new Args<>();
    final KernelCall call = new KernelCall();
    private boolean busy;

    /** This thread's frame, or a fresh one if it is in use; pair with {@link #exit} in a {@code finally}. */
    static CallFrame enter() {
        CallFrame f = CURRENT.get();
        if (f.busy) f = new CallFrame();
        f.busy = true;
        return f;
    }

    void exit() {
        inputs.clear();
        outputs.clear();
        call.clear();
        busy = false;
    }

    /** {@code inputs.get(i).type()}, as a list. */
    private static final class TypesOf extends AbstractList<TensorType> implements RandomAccess {
        private final Args<Tensor> inputs;

        TypesOf(Args<Tensor> inputs) { this.inputs = inputs; }

        @Override
        public TensorType get(int i) { return inputs.get(i).type(); }

        @Override
        public int size() { return inputs.size(); }
    }

    /** A list the frame refills for each op; unlike {@code List.of} it holds nulls, which validation reports. */
    static final class Args<T> extends AbstractList<T> implements RandomAccess {
        private Object[] items = new Object[4];
        private int size;

        void push(T t) {
            if (size == items.length) items = java.util.Arrays.copyOf(items, 2 * size);
            items[size++] = t;
        }

        @Override
        @SuppressWarnings("unchecked")
        public T get(int i) { return (T) items[Objects.checkIndex(i, size)]; }

        @Override
        public int size() { return size; }

        @Override
        public void clear() {
            for (int i = 0; i < size; i++) items[i] = null;
            size = 0;
        }
    }
}
