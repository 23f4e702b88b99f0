package io.kuaxin.op;

/** How RoPE pairs the elements of a head vector it rotates together. */
public enum RopeMode {
    /** Pairs (2i, 2i+1): GPT-J, llama.cpp's default mode, Meta's original LLaMA code. */
    INTERLEAVED,
    /** Pairs (i, i + r/2) for rotary width r: GPT-NeoX, Hugging Face's {@code rotate_half}. */
    HALF_SPLIT
}
