package io.kuaxin.op;

import io.kuaxin.DType;
import io.kuaxin.Shape;

import java.util.List;

/**
 * {@link Op#ATTENTION}: scaled dot-product attention (see {@link AttentionAttrs} for the exact semantics).
 *
 * <ul>
 * <li>{@code q} is {@code [B, Hq, Lq, D]}; {@code k} and {@code v} are {@code [B, Hkv, Lkv, D]}, any strides
 *     (e.g. a slice of a KV cache); {@code Hkv} divides {@code Hq}.</li>
 * <li>q, k and v share one of f32, f16, bf16; scores and the softmax are fp32; the output is {@code q}'s dtype
 *     and shape.</li>
 * <li>{@code mask}: any float dtype, broadcastable to {@code [B, Hq, Lq, Lkv]}, added to the scaled scores.</li>
 * <li>{@code kvLens}: i32 {@code [B]}.</li>
 * </ul>
 */
public final class AttentionSpec {
    private AttentionSpec() {}

    /** The kernel sees the mask expanded to the scores' shape {@code [B, Hq, Lq, Lkv]}. */
    static final OpSpec<AttentionAttrs> SPEC = new OpSpec<>() {
        private final Specs.Inputs names = new Specs.Inputs(List.of("q", "k", "v"), "mask", "kvLens");

        @Override public Class<AttentionAttrs> attributes() { return AttentionAttrs.class; }
        @Override public List<String> inputs(AttentionAttrs at) { return names.with(at.hasMask(), at.hasKvLens()); }
        @Override public TensorType infer(Op op, AttentionAttrs at, List<TensorType> in) {
            return AttentionSpec.infer(in, at);
        }
        @Override public String dtypeError(Op op, List<DType> d) { return AttentionSpec.dtypeError(d); }
        @Override public Shape kernelShape(AttentionAttrs at, int i, List<TensorType> in, TensorType out) {
            if (i != at.maskIndex()) return null;
            Shape q = in.get(0).shape();
            return Shape.of(q.dim(0), q.dim(1), q.dim(2), in.get(1).shape().dim(2));
        }
    };

    public static TensorType infer(List<TensorType> in, AttentionAttrs at) {
        Specs.count(Op.ATTENTION, in, 3 + (at.hasMask() ? 1 : 0) + (at.hasKvLens() ? 1 : 0),
                "q, k, v" + (at.hasMask() ? ", mask" : "") + (at.hasKvLens() ? ", kvLens" : ""));
        TensorType q = in.get(0), k = in.get(1), v = in.get(2);
        String[] names = {"q", "k", "v"};
        for (int i = 0; i < 3; i++) {
            if (in.get(i).shape().rank() != 4) {
                throw Specs.fail(Op.ATTENTION, names[i] + " has shape " + in.get(i).shape() + " but must be rank 4 ("
                        + (i == 0 ? "[B, Hq, Lq, D]" : "[B, Hkv, Lkv, D]")
                        + "); add a batch or head axis with reshape, or permute [B, L, H, D] to [B, H, L, D]");
            }
        }
        if (!Promotion.isDeviceFloat(q.dtype())) {
            throw Specs.fail(Op.ATTENTION, "q is " + q.dtype().label() + "; attention takes f32, f16 or bf16");
        }
        for (int i = 1; i < 3; i++) {
            if (in.get(i).dtype() != q.dtype()) {
                throw Specs.fail(Op.ATTENTION, names[i] + " is " + in.get(i).dtype().label() + " but q is "
                        + q.dtype().label() + "; q, k and v must share a dtype (cast with Ops.cast)");
            }
        }
        Shape qs = q.shape(), ks = k.shape(), vs = v.shape();
        if (!ks.equals(vs)) {
            throw Specs.fail(Op.ATTENTION, "k " + ks + " and v " + vs + " must have the same shape [B, Hkv, Lkv, D]");
        }
        if (ks.dim(0) != qs.dim(0)) {
            throw Specs.fail(Op.ATTENTION, "k has batch " + ks.dim(0) + " but q has " + qs.dim(0));
        }
        if (ks.dim(3) != qs.dim(3)) {
            throw Specs.fail(Op.ATTENTION, "k has head dim " + ks.dim(3) + " but q has " + qs.dim(3) + "; they must match");
        }
        if (qs.dim(3) == 0) throw Specs.fail(Op.ATTENTION, "head dim D is 0; it must be >= 1");
        long hq = qs.dim(1), hkv = ks.dim(1);
        if (hkv == 0 ? hq != 0 : hq % hkv != 0) {
            throw Specs.fail(Op.ATTENTION, "k has " + hkv + " heads, which must divide q's " + hq
                    + " (equal for MHA, 1 for MQA, a divisor for GQA)");
        }
        if (at.hasMask()) {
            TensorType m = in.get(at.maskIndex());
            Specs.floatInput(Op.ATTENTION, "mask", m.dtype());
            Broadcast.to(Op.ATTENTION.label(), "mask", m.shape(), Shape.of(qs.dim(0), hq, qs.dim(2), ks.dim(2)),
                    "the scores [B, Hq, Lq, Lkv]");
        }
        if (at.hasKvLens()) {
            TensorType l = in.get(at.kvLensIndex());
            if (l.dtype() != DType.I32) {
                throw Specs.fail(Op.ATTENTION, "kvLens is " + l.dtype().label() + " but must be i32 (cast it with Ops.cast)");
            }
            if (l.shape().rank() != 1 || l.shape().dim(0) != qs.dim(0)) {
                throw Specs.fail(Op.ATTENTION, "kvLens has shape " + l.shape() + " but must be [B] = [" + qs.dim(0) + "]");
            }
        }
        return q;
    }

    static String dtypeError(List<DType> d) {
        if (d.size() < 3) return "attention needs q, k and v";
        DType t = d.get(0);
        if (!Promotion.isDeviceFloat(t)) return "attention takes f32, f16 or bf16, not " + t.label();
        if (d.get(1) != t || d.get(2) != t) return "q, k and v must share a dtype";
        for (int i = 3; i < d.size(); i++) {
            if (!d.get(i).isFloatingPoint() && d.get(i) != DType.I32) return "mask must be float and kvLens i32";
        }
        return null;
    }
}
