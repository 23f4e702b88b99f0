package io.kuaxin.models.minilm;

import java.util.List;

/**
 * The eight sentences {@code kuaxin demo} embeds: four pairs of paraphrases, 8–13 tokens each, so the similarity
 * table shows each pair close and the rest apart. The MiniLM benchmarks' {@code demo} input is the same batch, so
 * the demo's printed speed and the benchmarks' figures measure one workload.
 */
public final class DemoSentences {
    /** The sentences, in pairs: 0–1, 2–3, 4–5, 6–7 say the same thing. */
    public static final List<String> PAIRS = List.of(
            "A man is playing a guitar.",
            "Someone strums an acoustic guitar on stage.",
            "The new movie is awesome.",
            "I loved that film, it was fantastic.",
            "A cat is sleeping on the windowsill.",
            "The kitten naps in the sun by the window.",
            "Stock markets fell sharply today.",
            "Shares dropped steeply on Wall Street this afternoon.");

    private DemoSentences() {}
}
