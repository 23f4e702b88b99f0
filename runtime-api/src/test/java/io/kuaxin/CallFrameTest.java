package io.kuaxin;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** A thread's frame is reused op after op, never while in use, and keeps nothing between ops. */
class CallFrameTest {
    @Test
    void reenteringWhileInUseGetsAFreshFrame() {
        CallFrame outer = CallFrame.enter();
        try {
            outer.inputs.push(null);
            CallFrame inner = CallFrame.enter();
            assertNotSame(outer, inner);
            assertNotSame(outer.call, inner.call);
            inner.exit();
            assertEquals(1, outer.inputs.size(), "the inner op left the outer op's inputs alone");
        } finally {
            outer.exit();
        }
        CallFrame next = CallFrame.enter();
        try {
            assertSame(outer, next, "the thread's frame is reused once free");
            assertEquals(0, next.inputs.size());
            assertEquals(0, next.call.inputCount());
        } finally {
            next.exit();
        }
    }

    @Test
    void eachThreadHasItsOwnFrame() throws InterruptedException {
        CallFrame mine = CallFrame.enter();
        try {
            CallFrame[] theirs = new CallFrame[1];
            Thread t = new Thread(() -> {
                theirs[0] = CallFrame.enter();
                theirs[0].exit();
            });
            t.start();
            t.join();
            assertNotSame(mine, theirs[0]);
        } finally {
            mine.exit();
        }
    }
}
