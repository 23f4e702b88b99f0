package io.kuaxin;

import java.util.ArrayList;
import java.util.List;

/**
 * An ordered list of device choices such as {@code ascend:0}, {@code mlu:*,cpu} or {@code cuda:1,ascend:*,cpu}:
 * the first choice that is available wins. {@code name} alone means ordinal 0; {@code name:*} any ordinal.
 * Used by {@link Kuaxin#device(String)} and the {@code KUAXIN_DEVICES} variable.
 *
 * @param choices the choices in order of preference
 */
public record DeviceSpec(List<Choice> choices) {
    /** Ordinal meaning "any device of the backend". */
    public static final int ANY = -1;

    /** One choice: a backend name (or alias) and an ordinal, or {@link #ANY}. */
    public record Choice(String backend, int ordinal) {
        @Override
        public String toString() { return backend + ":" + (ordinal == ANY ? "*" : Integer.toString(ordinal)); }
    }

    public DeviceSpec {
        choices = List.copyOf(choices);
    }

    /**
     * Parses a spec.
     *
     * @throws InvalidArgumentException naming the bad item if the spec is empty or an item is malformed
     */
    public static DeviceSpec parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new InvalidArgumentException("empty device spec; expected e.g. 'cpu', 'ascend:0' or 'mlu:*,cpu'");
        }
        List<Choice> out = new ArrayList<>();
        for (String raw : spec.split(",", -1)) {
            String item = raw.trim();
            if (item.isEmpty()) {
                throw new InvalidArgumentException("device spec '" + spec + "' has an empty item");
            }
            int colon = item.indexOf(':');
            String name = (colon < 0 ? item : item.substring(0, colon)).trim().toLowerCase(java.util.Locale.ROOT);
            if (!name.matches("[a-z][a-z0-9_-]*")) {
                throw new InvalidArgumentException("device spec item '" + item + "' has a bad backend name '" + name
                        + "'; expected e.g. cpu, ascend, mlu, hygon, musa, biren, iluvatar, cuda");
            }
            int ordinal = 0;
            if (colon >= 0) {
                String ord = item.substring(colon + 1).trim();
                if (ord.equals("*")) {
                    ordinal = ANY;
                } else {
                    try {
                        ordinal = Integer.parseInt(ord);
                    } catch (NumberFormatException e) {
                        ordinal = -2;
                    }
                    if (ordinal < 0) {
                        throw new InvalidArgumentException("device spec item '" + item + "' has a bad ordinal '"
                                + ord + "'; expected a number >= 0 or *");
                    }
                }
            }
            out.add(new Choice(name, ordinal));
        }
        return new DeviceSpec(out);
    }

    @Override
    public String toString() {
        return String.join(",", choices.stream().map(Choice::toString).toList());
    }
}
