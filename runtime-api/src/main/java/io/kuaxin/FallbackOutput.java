package io.kuaxin;

import io.kuaxin.internal.memory.Storage;

/**
 * An output of a fallback run, still on the fallback device: the mirror of the output's storage on the op's own
 * device, which receives it when work there first uses it ({@link Stream} copies it back). The storage owns it and
 * releases it once, by {@link #release}.
 */
record FallbackOutput(Tensor tensor) implements Storage.Mirror {
    @Override
    public void release() { tensor.closeQuietly(); }
}
