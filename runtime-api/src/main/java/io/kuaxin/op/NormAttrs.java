package io.kuaxin.op;

/**
 * Attributes of {@link Op#LAYER_NORM} and {@link Op#RMS_NORM}, normalising over the last dimension.
 * Inputs, in order: {@code x}, then {@code gamma} if {@link #hasGamma}, then {@code beta} if {@link #hasBeta}
 * (layer norm only).
 *
 * <ul>
 * <li>layer norm: {@code y = (x - mean) / sqrt(var + eps) · gamma + beta}, with the biased variance;</li>
 * <li>RMS norm: {@code y = x / sqrt(mean(x²) + eps) · gamma}.</li>
 * </ul>
 *
 * @param eps finite and {@code >= 0}
 */
public record NormAttrs(double eps, boolean hasGamma, boolean hasBeta) implements OpAttributes {
    public NormAttrs {
        Attrs.nonNegative("norm", "eps", eps);
    }

    public int gammaIndex() { return hasGamma ? 1 : -1; }

    public int betaIndex() { return hasBeta ? (hasGamma ? 2 : 1) : -1; }
}
