package io.kuaxin.cli;

import io.kuaxin.models.decoder.DecoderConfig;
import io.kuaxin.models.decoder.DecoderWeights;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

import java.util.SplittableRandom;

/**
 * What the decoder demos start from: the small decoder's configuration, its synthetic weights and a seeded prompt.
 *
 * @param prompt token ids; the array is shared, not copied
 */
record DecoderDemoInput(DecoderConfig config, DecoderWeights weights, long[] prompt) {
    /**
     * Checks that a prompt of {@code promptLength} and {@code tokens} generated ones fit the decoder's context, applies
     * {@code device}'s emulation, then generates the weights and the prompt (the same for every run).
     *
     * @throws ParameterException of {@code cmd} if {@code --tokens} is below 1 or does not fit
     */
    static DecoderDemoInput prepare(CommandLine cmd, DeviceOptions device, int promptLength, int tokens) {
        DecoderConfig c = DecoderConfig.SMALL;
        if (tokens < 1 || tokens > c.maxSeq() - promptLength) {
            throw new ParameterException(cmd, "--tokens must be between 1 and " + (c.maxSeq() - promptLength));
        }
        device.applyEmulation();
        DecoderWeights w = DecoderWeights.generate(c);
        long[] prompt = new long[promptLength];
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < promptLength; i++) prompt[i] = r.nextInt(c.vocab());
        return new DecoderDemoInput(c, w, prompt);
    }

    /** The greedy choice: the index of the largest logit (the first of equals). */
    static long argmax(float[] logits) {
        int b = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[b]) b = i;
        return b;
    }
}
