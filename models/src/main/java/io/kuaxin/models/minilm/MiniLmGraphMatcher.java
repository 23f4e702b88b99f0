package io.kuaxin.models.minilm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kuaxin.models.minilm.MiniLmWeights.Layer;
import io.kuaxin.models.minilm.MiniLmWeights.Param;
import io.kuaxin.models.onnx.OnnxGraph;
import io.kuaxin.models.onnx.OnnxNode;
import io.kuaxin.models.onnx.OnnxTensor;

/**
 * Finds the BERT parameters of all-MiniLM-L6-v2 in its ONNX graph, for {@link MiniLmWeights#from(OnnxGraph, MiniLmConfig)}.
 *
 * <p>The exporter gives the MatMul weights anonymous names ({@code onnx::MatMul_787}), so nothing here trusts
 * initializer names. Parameters are found from the graph's dataflow:
 * <ul>
 *   <li>embeddings: the three Gather nodes over FLOAT initializers, told apart by their index input
 *       ({@code input_ids}, {@code token_type_ids}, anything else = positions);</li>
 *   <li>LayerNorms (opset 11 has no LayerNormalization op): {@code Div → Mul(γ) → Add(β)} with the Div's divisor
 *       coming from {@code Sqrt(… + ε)}; in graph order: embeddings, then per layer attention-output and output;</li>
 *   <li>linear layers: MatMul nodes whose second input is a rank-2 initializer ([in, out]) followed by an Add of a
 *       rank-1 initializer (bias); six per layer in graph order. The first three are told apart as Q/K/V by where
 *       they flow: Q and K meet in the score MatMul (Q left, K right), V is the right operand of the MatMul after
 *       the Softmax. Then attention output [H,H], FFN in [H,I], FFN out [I,H].</li>
 * </ul>
 * Every shape and the graph-order interleaving (LN, Q/K/V, O, LN, FFN, LN) are checked, and the residual-stream
 * wiring (each layer's projections read the previous LayerNorm's output); anything else fails with an
 * {@link IllegalArgumentException} saying what did not match.
 * <p>One use per instance; not thread-safe.
 */
final class MiniLmGraphMatcher {
    private final OnnxGraph g;
    private final MiniLmConfig cfg;
    private final Map<String, OnnxNode> producer;
    private final Map<String, List<OnnxNode>> consumers;
    private final Map<String, OnnxTensor> constants = new HashMap<>(); // Constant-node outputs

    MiniLmGraphMatcher(OnnxGraph g, MiniLmConfig cfg) {
        this.g = g;
        this.cfg = cfg;
        this.producer = g.producers();
        this.consumers = g.consumers();
        for (OnnxNode n : g.nodes()) {
            if (n.opType().equals("Constant") && n.attribute("value") != null && n.attribute("value").t() != null) {
                constants.put(n.output(0), n.attribute("value").t());
            }
        }
    }

    MiniLmWeights match() {
        int h = cfg.hidden();
        int ffn = cfg.intermediate();
        int nl = cfg.layers();

        // --- embeddings
        Param word = null;
        Param pos = null;
        Param type = null;
        for (OnnxNode n : g.nodes()) {
            if (!n.opType().equals("Gather")) {
                continue;
            }
            OnnxTensor table = g.initializer(n.input(0));
            if (table == null || table.dataType() != io.kuaxin.models.onnx.OnnxDataType.FLOAT) {
                continue;
            }
            String idx = n.input(1);
            if (idx.equals("input_ids")) {
                word = unique(word, param("embeddings.word_embeddings.weight", table, cfg.vocabSize(), h), "word");
            } else if (idx.equals("token_type_ids")) {
                type = unique(type, param("embeddings.token_type_embeddings.weight", table, cfg.typeVocabSize(), h),
                        "token type");
            } else {
                pos = unique(pos, param("embeddings.position_embeddings.weight", table, cfg.maxPositions(), h),
                        "position");
            }
        }
        check(word != null, "no Gather of a FLOAT table by graph input 'input_ids' (word embeddings)");
        check(type != null, "no Gather of a FLOAT table by graph input 'token_type_ids' (token type embeddings)");
        check(pos != null, "no third embedding Gather (position embeddings)");

        // --- LayerNorms, in graph order
        List<Ln> lns = findLayerNorms();
        check(lns.size() == 1 + 2 * nl, "expected " + (1 + 2 * nl) + " LayerNorms (embeddings + 2 per layer), found "
                + lns.size());
        double eps = lns.get(0).eps;
        for (Ln ln : lns) {
            check(Math.abs(ln.eps - cfg.layerNormEps()) <= 1e-6 * cfg.layerNormEps() + 1e-20,
                    "LayerNorm at node #" + ln.mul.index() + " has eps " + ln.eps + ", expected " + cfg.layerNormEps());
        }

        // --- linear layers, in graph order
        List<Linear> lin = findLinears();
        check(lin.size() == 6 * nl, "expected " + 6 * nl + " weight MatMuls (6 per layer), found " + lin.size());
        check(count("Softmax") == nl, "expected " + nl + " Softmax nodes, found " + count("Softmax"));
        check(count("Erf") == nl, "expected " + nl + " Erf nodes (exact GELU), found " + count("Erf"));

        List<Layer> layers = new ArrayList<>();
        double scale = Double.NaN;
        String stream = lns.get(0).output; // residual stream entering layer 0
        check(lns.get(0).addIndex < lin.get(0).matmul.index(), "embedding LayerNorm must precede layer 0");
        for (int l = 0; l < nl; l++) {
            String p = "encoder.layer." + l + ".";
            List<Linear> six = lin.subList(6 * l, 6 * l + 6);
            Ln attnLn = lns.get(1 + 2 * l);
            Ln outLn = lns.get(2 + 2 * l);
            // Graph-order interleave: Q,K,V,O < attention LN < FFN in, FFN out < output LN.
            check(six.get(3).matmul.index() < attnLn.mul.index() && attnLn.addIndex < six.get(4).matmul.index()
                    && six.get(5).matmul.index() < outLn.mul.index()
                    && (l == nl - 1 || outLn.addIndex < lin.get(6 * l + 6).matmul.index()),
                    "layer " + l + ": MatMuls and LayerNorms are not in the order Q/K/V, O, LN, FFN, LN");
            for (int k = 0; k < 3; k++) {
                check(six.get(k).input.equals(stream), "layer " + l + ": projection " + k
                        + " (node #" + six.get(k).matmul.index() + ") does not read the previous LayerNorm output");
            }
            check(six.get(4).input.equals(attnLn.output), "layer " + l + ": FFN-in does not read the attention LayerNorm");

            // Q/K/V by dataflow into the attention MatMuls.
            Linear q = null;
            Linear k = null;
            Linear v = null;
            Map<Integer, Integer> hits = new HashMap<>();
            List<int[]> ends = new ArrayList<>();
            for (int j = 0; j < 3; j++) {
                int[] end = attentionEntry(six.get(j).biasOutput);
                check(end != null, "layer " + l + ": projection at node #" + six.get(j).matmul.index()
                        + " does not flow into an attention MatMul");
                ends.add(end);
                hits.merge(end[0], 1, Integer::sum);
            }
            int scoreNode = -1;
            for (int j = 0; j < 3; j++) {
                int[] e = ends.get(j);
                if (hits.get(e[0]) == 2) {
                    scoreNode = e[0];
                    if (e[1] == 0) {
                        q = unique(q, six.get(j), "query");
                    } else {
                        k = unique(k, six.get(j), "key");
                    }
                } else if (e[1] == 1) {
                    v = unique(v, six.get(j), "value");
                }
            }
            check(q != null && k != null && v != null, "layer " + l + ": cannot tell Q/K/V apart from the dataflow");
            double s = scoreScale(g.nodes().get(scoreNode));
            check(Math.abs(s - cfg.attentionScale()) <= 1e-6 * cfg.attentionScale(), "layer " + l
                    + ": attention scores scaled by " + s + ", expected 1/sqrt(" + cfg.headDim() + ") = "
                    + cfg.attentionScale() + " (wrong head count, or scale folded into Q)");
            scale = s;
            checkHeads(q, l);

            layers.add(new Layer(l,
                    q.weight(p + "attention.self.query.weight", h, h), q.bias(p + "attention.self.query.bias", h),
                    k.weight(p + "attention.self.key.weight", h, h), k.bias(p + "attention.self.key.bias", h),
                    v.weight(p + "attention.self.value.weight", h, h), v.bias(p + "attention.self.value.bias", h),
                    six.get(3).weight(p + "attention.output.dense.weight", h, h),
                    six.get(3).bias(p + "attention.output.dense.bias", h),
                    attnLn.gamma(p + "attention.output.LayerNorm.weight", h),
                    attnLn.beta(p + "attention.output.LayerNorm.bias", h),
                    six.get(4).weight(p + "intermediate.dense.weight", h, ffn),
                    six.get(4).bias(p + "intermediate.dense.bias", ffn),
                    six.get(5).weight(p + "output.dense.weight", ffn, h),
                    six.get(5).bias(p + "output.dense.bias", h),
                    outLn.gamma(p + "output.LayerNorm.weight", h),
                    outLn.beta(p + "output.LayerNorm.bias", h)));
            stream = outLn.output;
        }
        Ln embLn = lns.get(0);
        return new MiniLmWeights(cfg, word, pos, type, embLn.gamma("embeddings.LayerNorm.weight", h),
                embLn.beta("embeddings.LayerNorm.bias", h), layers, eps, scale);
    }

    /** A LayerNorm: Div(x−mean, Sqrt(var+ε)) → Mul(γ) → Add(β). */
    private final class Ln {
        OnnxNode mul;
        int addIndex;
        String output;
        OnnxTensor gammaT;
        OnnxTensor betaT;
        double eps;

        Param gamma(String name, int n) {
            return param(name, gammaT, n);
        }

        Param beta(String name, int n) {
            return param(name, betaT, n);
        }
    }

    private List<Ln> findLayerNorms() {
        List<Ln> r = new ArrayList<>();
        for (OnnxNode div : g.nodes()) {
            if (!div.opType().equals("Div")) {
                continue;
            }
            OnnxNode sqrt = producer.get(div.input(1));
            if (sqrt == null || !sqrt.opType().equals("Sqrt")) {
                continue;
            }
            OnnxNode addEps = producer.get(sqrt.input(0));
            check(addEps != null && addEps.opType().equals("Add"), "LayerNorm at node #" + div.index()
                    + ": Sqrt input is not variance + eps");
            Double eps = constantScalar(addEps.input(1));
            if (eps == null) {
                eps = constantScalar(addEps.input(0));
            }
            check(eps != null, "LayerNorm at node #" + div.index() + ": eps is not a constant");
            OnnxNode mul = single(div.output(0), "Mul");
            OnnxTensor gamma = mul == null ? null : otherInitializer(mul, div.output(0));
            check(gamma != null, "LayerNorm at node #" + div.index() + ": no Mul by a γ initializer");
            OnnxNode add = single(mul.output(0), "Add");
            OnnxTensor beta = add == null ? null : otherInitializer(add, mul.output(0));
            check(beta != null, "LayerNorm at node #" + div.index() + ": no Add of a β initializer");
            Ln ln = new Ln();
            ln.mul = mul;
            ln.addIndex = add.index();
            ln.output = add.output(0);
            ln.gammaT = gamma;
            ln.betaT = beta;
            ln.eps = eps;
            r.add(ln);
        }
        return r;
    }

    /** A linear layer: MatMul(x, W) then Add(b). */
    private final class Linear {
        OnnxNode matmul;
        String input;
        OnnxTensor w;
        OnnxTensor b;
        String biasOutput;

        Param weight(String name, int in, int out) {
            return param(name, w, in, out);
        }

        Param bias(String name, int n) {
            return param(name, b, n);
        }
    }

    private List<Linear> findLinears() {
        List<Linear> r = new ArrayList<>();
        for (OnnxNode n : g.nodes()) {
            if (!n.opType().equals("MatMul")) {
                continue;
            }
            OnnxTensor w = g.initializer(n.input(1));
            if (w == null) {
                continue; // activation × activation (attention)
            }
            check(w.rank() == 2, "MatMul node #" + n.index() + " has a rank-" + w.rank() + " weight");
            OnnxNode add = single(n.output(0), "Add");
            OnnxTensor b = add == null ? null : otherInitializer(add, n.output(0));
            check(b != null && b.rank() == 1, "MatMul node #" + n.index() + " (" + w.name()
                    + ") is not followed by an Add of a bias vector");
            Linear lin = new Linear();
            lin.matmul = n;
            lin.input = n.input(0);
            lin.w = w;
            lin.b = b;
            lin.biasOutput = add.output(0);
            r.add(lin);
        }
        return r;
    }

    /**
     * Follows {@code value} through layout/elementwise ops to the first MatMul whose operands are both
     * activations; returns {node index, operand index} or null.
     */
    private int[] attentionEntry(String value) {
        Set<String> seen = new HashSet<>();
        List<String> frontier = new ArrayList<>(List.of(value));
        while (!frontier.isEmpty()) {
            List<String> next = new ArrayList<>();
            for (String v : frontier) {
                if (!seen.add(v)) {
                    continue;
                }
                for (OnnxNode c : consumers.getOrDefault(v, List.of())) {
                    switch (c.opType()) {
                        case "MatMul" -> {
                            if (g.initializer(c.input(1)) == null) {
                                return new int[] {c.index(), c.input(0).equals(v) ? 0 : 1};
                            }
                        }
                        case "Reshape", "Transpose", "Div", "Mul", "Add", "Identity", "Squeeze", "Unsqueeze" -> {
                            if (c.input(0).equals(v) || !c.opType().equals("Reshape")) {
                                next.add(c.output(0));
                            }
                        }
                        default -> {
                            // Shape/Gather/Concat compute target shapes, not data.
                        }
                    }
                }
            }
            frontier = next;
        }
        return null;
    }

    /** Multiplier applied to the score MatMul's output: 1/c for Div by c, c for Mul by c. */
    private double scoreScale(OnnxNode scores) {
        for (OnnxNode c : consumers.getOrDefault(scores.output(0), List.of())) {
            if (c.opType().equals("Div")) {
                Double d = constantScalar(c.input(1));
                if (d != null) {
                    return 1.0 / d;
                }
            } else if (c.opType().equals("Mul")) {
                Double d = constantScalar(c.input(0).equals(scores.output(0)) ? c.input(1) : c.input(0));
                if (d != null) {
                    return d;
                }
            }
        }
        return Double.NaN;
    }

    /** If Q's Reshape target is a Concat with constant (heads, headDim), check it against the config. */
    private void checkHeads(Linear q, int layer) {
        for (OnnxNode c : consumers.getOrDefault(q.biasOutput, List.of())) {
            if (!c.opType().equals("Reshape")) {
                continue;
            }
            OnnxNode concat = producer.get(c.input(1));
            if (concat == null || !concat.opType().equals("Concat")) {
                return;
            }
            List<Long> consts = new ArrayList<>();
            for (String in : concat.inputs()) {
                OnnxTensor t = constants.containsKey(in) ? constants.get(in) : g.initializer(in);
                if (t != null && t.elementCount() == 1) {
                    consts.add((long) t.scalar());
                }
            }
            if (consts.size() == 2) {
                check(consts.get(0) == cfg.heads() && consts.get(1) == cfg.headDim(), "layer " + layer
                        + ": attention splits into " + consts.get(0) + " heads of " + consts.get(1) + ", expected "
                        + cfg.heads() + " of " + cfg.headDim());
            }
        }
    }

    private OnnxNode single(String value, String op) {
        for (OnnxNode c : consumers.getOrDefault(value, List.of())) {
            if (c.opType().equals(op)) {
                return c;
            }
        }
        return null;
    }

    private OnnxTensor otherInitializer(OnnxNode n, String notThis) {
        for (String in : n.inputs()) {
            if (!in.equals(notThis) && g.initializer(in) != null) {
                return g.initializer(in);
            }
        }
        return null;
    }

    private Double constantScalar(String name) {
        OnnxTensor t = constants.containsKey(name) ? constants.get(name) : g.initializer(name);
        return t == null || t.elementCount() != 1 ? null : t.scalar();
    }

    private int count(String op) {
        int n = 0;
        for (OnnxNode x : g.nodes()) {
            if (x.opType().equals(op)) {
                n++;
            }
        }
        return n;
    }

    private Param param(String name, OnnxTensor t, int... shape) {
        long[] want = Arrays.stream(shape).asLongStream().toArray();
        check(t.hasShape(want), name + " (initializer '" + t.name() + "') has shape " + Arrays.toString(t.dims())
                + ", expected " + Arrays.toString(shape));
        check(t.dataType() == io.kuaxin.models.onnx.OnnxDataType.FLOAT,
                name + " (initializer '" + t.name() + "') is " + t.dataType() + ", expected FLOAT");
        return new Param(name, t.name(), shape, t.toFloatArray());
    }

    private <T> T unique(T existing, T found, String what) {
        check(existing == null, "more than one candidate for the " + what + " parameter");
        return found;
    }

    private void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("graph is not the expected BERT encoder (" + cfg.layers()
                    + " layers, hidden " + cfg.hidden() + ", " + cfg.heads() + " heads, FFN " + cfg.intermediate()
                    + "): " + message);
        }
    }
}
