package io.kuaxin;

import java.util.List;

/**
 * What discovery found for one backend, for reports ({@code kuaxin devices}, {@code kuaxin doctor}).
 *
 * @param name        canonical name used in device specs
 * @param aliases     other accepted names
 * @param vendor      the vendor
 * @param available   whether its devices can be opened
 * @param score       preference among available backends (higher wins)
 * @param reason      one line: why it is (not) available
 * @param details     what was looked for and where
 * @param deviceCount logical devices
 * @param visible     the vendor's visible-devices variable and its mapping, or {@code null} if it has none
 */
public record BackendStatus(String name, List<String> aliases, String vendor, boolean available, int score,
                            String reason, List<String> details, int deviceCount, VisibleDevices visible) {
    public BackendStatus {
        aliases = List.copyOf(aliases);
        details = List.copyOf(details);
    }
}
