package io.kuaxin.spi;

import io.kuaxin.DType;
import io.kuaxin.op.AxisAttrs;
import io.kuaxin.op.Op;
import io.kuaxin.op.OpAttributes;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The reusable call slot: filling, refilling, copying out of it, and reading past what was filled. */
class KernelCallTest {
    private static TensorRef ref(long address) {
        return new TensorRef(address, DType.F32, new long[] {2}, new long[] {1});
    }

    @Test
    void aRefilledSlotShowsOnlyItsNewCall() {
        KernelCall slot = new KernelCall().set(Op.ADD, OpAttributes.NONE, 2, 1);
        slot.setInput(0, ref(64));
        slot.setInput(1, ref(128));
        slot.setOutput(0, ref(256));
        AxisAttrs axis = new AxisAttrs(0);
        slot.set(Op.SOFTMAX, axis, 1, 1);
        slot.setInput(0, ref(512));
        slot.setOutput(0, ref(1024));
        assertEquals(Op.SOFTMAX, slot.op());
        assertSame(axis, slot.attributes());
        assertEquals(1, slot.inputCount());
        assertEquals(512, slot.input(0).address());
        assertThrows(IndexOutOfBoundsException.class, () -> slot.input(1), "the old second input is gone");
        assertThrows(IndexOutOfBoundsException.class, () -> slot.setInput(1, ref(0)));
    }

    @Test
    void aCopyStaysWhenTheSlotIsRefilledOrCleared() {
        KernelCall slot = new KernelCall(Op.ADD, OpAttributes.NONE, List.of(ref(64), ref(128)), List.of(ref(256)));
        KernelCall copy = new KernelCall().copyFrom(slot);
        List<TensorRef> listed = slot.inputs();
        slot.set(Op.EXP, OpAttributes.NONE, 1, 1);
        slot.setInput(0, ref(4096));
        slot.setOutput(0, ref(8192));
        assertEquals(Op.ADD, copy.op());
        assertEquals(2, copy.inputCount());
        assertEquals(128, copy.input(1).address());
        assertEquals(256, copy.output(0).address());
        assertEquals(2, listed.size(), "inputs() is a copy, not a view of the slot");
        assertEquals(64, listed.get(0).address());
        slot.clear();
        assertNull(slot.op());
        assertEquals(0, slot.inputCount());
        assertEquals(64, copy.input(0).address());
    }

    @Test
    void aSlotGrowsToTheLargestCallItHolds() {
        KernelCall slot = new KernelCall().set(Op.ADD, OpAttributes.NONE, 2, 1);
        slot.set(Op.MATMUL, OpAttributes.NONE, 5, 1); // attributes are not checked here: the front door did
        for (int i = 0; i < 5; i++) slot.setInput(i, ref(64L * (i + 1)));
        assertEquals(320, slot.input(4).address());
        assertThrows(NullPointerException.class, () -> slot.set(null, OpAttributes.NONE, 0, 0));
    }
}
