package io.kuaxin.op;

import io.kuaxin.DType;
import io.kuaxin.Shape;

import java.util.List;

/**
 * {@link Op#MATMUL}: {@code out[..., M, N] = epilogue(alpha·op(a)·op(b) + beta·c + bias)}.
 *
 * <ul>
 * <li>{@code a} is {@code [..., M, K]} ({@code [..., K, M]} with transA), {@code b} is {@code [..., K, N]}
 *     ({@code [..., N, K]} with transB), rank >= 2 each; the batch dimensions ({@code ...}) broadcast.</li>
 * <li>Float path: {@code a} and {@code b} share one of f32, f16, bf16, f64; products accumulate in fp32 (f64 for
 *     f64); the output is any float dtype (default: the input dtype). {@code c} (any float dtype) broadcasts to
 *     the output; {@code bias} is {@code [N]}, any float dtype.</li>
 * <li>Integer path: i8 × i8 → i32, exact; no alpha, c, bias or epilogue (dequantize for those).</li>
 * </ul>
 */
public final class MatmulSpec {
    private MatmulSpec() {}

    /** The kernel sees a and b expanded to the output's batch dims, c to the output's shape. */
    static final OpSpec<MatmulAttrs> SPEC = new OpSpec<>() {
        private final Specs.Inputs names = new Specs.Inputs(Specs.A_B, "c", "bias");

        @Override public Class<MatmulAttrs> attributes() { return MatmulAttrs.class; }
        @Override public List<String> inputs(MatmulAttrs at) { return names.with(at.hasC(), at.hasBias()); }
        @Override public TensorType infer(Op op, MatmulAttrs at, List<TensorType> in) {
            return MatmulSpec.infer(in, at, null);
        }
        @Override public TensorType infer(Op op, MatmulAttrs at, List<TensorType> in, TensorType given) {
            return MatmulSpec.infer(in, at, given);
        }
        @Override public String dtypeError(Op op, List<DType> d) { return MatmulSpec.dtypeError(d); }
        @Override public Shape kernelShape(MatmulAttrs at, int i, List<TensorType> in, TensorType out) {
            Shape os = out.shape();
            if (i == at.cIndex()) return os;
            if (i > 1) return null; // bias is [N] by contract
            Shape x = in.get(i).shape(), batch = Broadcast.prefix(os, os.rank() - 2);
            // an operand that already has the output's batch dims is its own target: nothing built
            return Broadcast.isConcat(x, batch, x.dim(-2), x.dim(-1)) ? x : Broadcast.concat(batch, x.dim(-2), x.dim(-1));
        }
        @Override public boolean inPlace(MatmulAttrs at, int i) { return i == at.cIndex(); }
    };

    /** The output type, or {@link io.kuaxin.InvalidArgumentException} naming the bad argument. */
    public static TensorType infer(List<TensorType> in, MatmulAttrs at) {
        return infer(in, at, null);
    }

    /** {@link #infer(List, MatmulAttrs)}; {@code given} itself when it is the output type (then nothing is built). */
    private static TensorType infer(List<TensorType> in, MatmulAttrs at, TensorType given) {
        Specs.count(Op.MATMUL, in, at.inputCount(), "a, b" + (at.hasC() ? ", c" : "") + (at.hasBias() ? ", bias" : ""));
        TensorType a = in.get(0), b = in.get(1);
        Specs.rankAtLeast(Op.MATMUL, "a", a, 2, "[..., M, K]; reshape a vector to [1, K]");
        Specs.rankAtLeast(Op.MATMUL, "b", b, 2, "[..., K, N]; reshape a vector to [K, 1]");
        if (a.dtype() != b.dtype()) {
            throw Specs.fail(Op.MATMUL, "a is " + a.dtype().label() + " but b is " + b.dtype().label()
                    + "; cast one so both match (Ops.cast)");
        }
        DType t = a.dtype();
        if (t == DType.I8) {
            if (at.outDtype() != DType.I32) {
                throw Specs.fail(Op.MATMUL, "i8 x i8 produces i32, not " + at.outDtype().label() + "; cast the result");
            }
            if (at.alpha() != 1f || at.hasC() || at.hasBias() || at.epilogue() != Epilogue.NONE) {
                throw Specs.fail(Op.MATMUL, "the i8 path takes no alpha, c, bias or epilogue; dequantize to f32/bf16 for those");
            }
        } else if (t.isFloatingPoint()) {
            if (!at.outDtype().isFloatingPoint()) {
                throw Specs.fail(Op.MATMUL, "outDtype " + at.outDtype().label() + " is not a float type; float inputs"
                        + " produce f32, f16, bf16 or f64");
            }
        } else {
            throw Specs.fail(Op.MATMUL, "a and b are " + t.label() + "; matmul takes f32, f16, bf16, f64 or i8 x i8");
        }
        Shape as = a.shape(), bs = b.shape();
        long m = at.transA() ? as.dim(-1) : as.dim(-2);
        long ka = at.transA() ? as.dim(-2) : as.dim(-1);
        long kb = at.transB() ? bs.dim(-1) : bs.dim(-2);
        long n = at.transB() ? bs.dim(-2) : bs.dim(-1);
        if (ka != kb) {
            throw Specs.fail(Op.MATMUL, "inner dimensions differ: a " + as + (at.transA() ? " (transposed)" : "")
                    + " has K=" + ka + " but b " + bs + (at.transB() ? " (transposed)" : "") + " has K=" + kb
                    + "; check the shapes or use transposeA()/transposeB()");
        }
        Shape batch = Broadcast.shapes(Op.MATMUL.label(), "a's batch dims", Broadcast.prefix(as, as.rank() - 2),
                "b's batch dims", Broadcast.prefix(bs, bs.rank() - 2));
        boolean isGiven = given != null && given.dtype() == at.outDtype() && Broadcast.isConcat(given.shape(), batch, m, n);
        Shape out = isGiven ? given.shape() : Broadcast.concat(batch, m, n);
        if (at.hasC()) {
            TensorType c = in.get(at.cIndex());
            Specs.floatInput(Op.MATMUL, "c", c.dtype());
            Broadcast.to(Op.MATMUL.label(), "c", c.shape(), out, "the output");
        }
        if (at.hasBias()) {
            TensorType bias = in.get(at.biasIndex());
            Specs.floatInput(Op.MATMUL, "bias", bias.dtype());
            if (bias.shape().rank() != 1 || bias.shape().dim(0) != n) {
                throw Specs.fail(Op.MATMUL, "bias has shape " + bias.shape() + " but must be [N] = [" + n
                        + "] (one value per output column); for other shapes pass it as c with beta 1");
            }
        }
        return isGiven ? given : new TensorType(at.outDtype(), out);
    }

    static String dtypeError(List<DType> d) {
        if (d.size() < 2) return "matmul needs a and b";
        DType t = d.get(0);
        if (d.get(1) != t) return "a and b must have one dtype";
        if (t == DType.I8) return d.size() == 2 ? null : "the i8 path takes no c or bias";
        if (!t.isFloatingPoint()) return "matmul takes f32, f16, bf16, f64 or i8, not " + t.label();
        return Specs.allFloat(Op.MATMUL, d.subList(2, d.size()));
    }
}
