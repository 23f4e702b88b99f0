package io.kuaxin;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A vendor's visible-devices variable ({@code ASCEND_RT_VISIBLE_DEVICES}, {@code MLU_VISIBLE_DEVICES},
 * {@code HIP_VISIBLE_DEVICES}, {@code MUSA_VISIBLE_DEVICES}, {@code CUDA_VISIBLE_DEVICES}, ...), validated.
 *
 * <p>The vendor runtime applies the variable; Kuaxin checks it strictly, because runtimes silently drop ids they
 * cannot use (CUDA stops at the first bad id, CANN ignores unknown ones): a malformed value, a duplicate, or an id
 * the runtime did not honour is an error naming the variable, not a device that quietly disappears. Logical
 * ordinal {@code i} maps to physical id {@link #physicalIds()}{@code .get(i)}.
 *
 * @param variable    the variable's name
 * @param value       its value, or {@code null} if unset (then every device is visible, in physical order)
 * @param physicalIds the ids listed, in order; empty when unset
 */
public record VisibleDevices(String variable, String value, List<String> physicalIds) {
    public VisibleDevices {
        physicalIds = List.copyOf(physicalIds);
    }

    /** Whether the variable is set. */
    public boolean isSet() { return value != null; }

    /**
     * Parses {@code value}: a comma-separated list of non-negative integers, or of UUIDs for CUDA-family runtimes
     * ({@code GPU-…}, {@code MIG-…}). An empty string hides every device.
     *
     * @throws InvalidArgumentException for an empty item, a negative or non-numeric id, or a duplicate
     */
    public static VisibleDevices parse(String variable, String value) {
        if (value == null) return new VisibleDevices(variable, null, List.of());
        List<String> ids = new ArrayList<>();
        if (value.isBlank()) return new VisibleDevices(variable, value, ids);
        Set<String> seen = new HashSet<>();
        for (String raw : value.split(",", -1)) {
            String id = raw.trim();
            if (id.isEmpty()) {
                throw new InvalidArgumentException(variable + "='" + value + "' has an empty entry; expected a "
                        + "comma-separated list of device ids such as 0,1");
            }
            boolean uuid = id.startsWith("GPU-") || id.startsWith("MIG-");
            if (!uuid) {
                if (!id.matches("\\d{1,9}")) {
                    throw new InvalidArgumentException(variable + "='" + value + "': '" + id + "' is not a device id;"
                            + " expected non-negative integers such as 0,1 (to hide every device, set it to an empty"
                            + " string)");
                }
                id = Integer.toString(Integer.parseInt(id)); // normalise 01 -> 1
            }
            if (!seen.add(id)) {
                throw new InvalidArgumentException(variable + "='" + value + "' lists device " + id + " twice");
            }
            ids.add(id);
        }
        return new VisibleDevices(variable, value, ids);
    }

    /**
     * Checks the list against what the runtime reports.
     *
     * @param runtimeCount devices the vendor runtime reports with the variable applied
     * @throws InvalidArgumentException if the runtime sees fewer devices than the variable lists (an id is out of
     *                                  range or invalid)
     */
    public void checkAgainst(int runtimeCount) {
        if (value != null && runtimeCount < physicalIds.size()) {
            throw new InvalidArgumentException(variable + "='" + value + "' lists " + physicalIds.size()
                    + " devices but the runtime sees only " + runtimeCount + ": an id is out of range (ids are "
                    + "physical ordinals starting at 0) or not usable. The runtime kept the first " + runtimeCount
                    + (runtimeCount == 1 ? " id" : " ids") + ": " + physicalIds.subList(0, runtimeCount));
        }
    }

    /** The physical id of logical ordinal {@code ordinal}. */
    public String physicalId(int ordinal) {
        return value == null ? Integer.toString(ordinal) : physicalIds.get(ordinal);
    }
}
