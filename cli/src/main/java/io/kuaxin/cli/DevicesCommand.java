package io.kuaxin.cli;

import io.kuaxin.BackendStatus;
import io.kuaxin.Device;
import io.kuaxin.DeviceInfo;
import io.kuaxin.Kuaxin;
import io.kuaxin.KuaxinException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code kuaxin devices}: every backend with its status and reason, and the devices of the available ones. */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "List every backend (status and reason) and the devices of available ones.")
final class DevicesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Option(names = "--telemetry", description = "Also read each device's vendor telemetry (utilisation, power, ...).")
    boolean telemetry;

    @picocli.CommandLine.Mixin
    DeviceOptions device;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        device.applyEmulation();
        try (Kuaxin kx = Kuaxin.open(device.options())) {
            List<Map<String, Object>> backends = new ArrayList<>();
            Table bt = new Table("BACKEND", "VENDOR", "STATUS", "DEVICES", "REASON");
            Table dt = telemetry
                    ? new Table("DEVICE", "PHYSICAL", "NAME", "MEMORY TOTAL", "MEMORY FREE", "EMULATED", "TELEMETRY")
                    : new Table("DEVICE", "PHYSICAL", "NAME", "MEMORY TOTAL", "MEMORY FREE", "EMULATED");
            for (BackendStatus st : kx.backends()) {
                Map<String, Object> b = new LinkedHashMap<>();
                b.put("name", st.name());
                b.put("aliases", st.aliases());
                b.put("vendor", st.vendor());
                b.put("available", st.available());
                b.put("reason", st.reason());
                if (st.visible() != null) {
                    b.put("visibleDevicesVariable", st.visible().variable());
                    b.put("visibleDevicesValue", st.visible().value());
                }
                List<Map<String, Object>> devs = new ArrayList<>();
                if (st.available()) {
                    for (int i = 0; i < st.deviceCount(); i++) {
                        Map<String, Object> d = new LinkedHashMap<>();
                        try {
                            Device dev = kx.device(st.name() + ":" + i);
                            DeviceInfo info = dev.info();
                            long free = dev.freeMemory();
                            d.put("id", dev.id());
                            d.put("physicalId", info.physicalId());
                            d.put("name", info.name());
                            d.put("memoryTotal", info.totalMemory());
                            d.put("memoryFree", free);
                            d.put("emulated", info.emulated());
                            if (telemetry) {
                                Map<String, String> t = new java.util.TreeMap<>(dev.telemetry());
                                d.put("telemetry", t);
                                dt.row(dev.id(), info.physicalId(), info.name(), Table.bytes(info.totalMemory()),
                                        Table.bytes(free), info.emulated() ? "yes" : "no",
                                        t.isEmpty() ? "none" : String.join(", ", t.entrySet().stream()
                                                .map(e -> e.getKey() + "=" + e.getValue()).toList()));
                            } else {
                                dt.row(dev.id(), info.physicalId(), info.name(), Table.bytes(info.totalMemory()),
                                        Table.bytes(free), info.emulated() ? "yes" : "no");
                            }
                        } catch (KuaxinException e) {
                            d.put("id", st.name() + ":" + i);
                            d.put("error", e.getMessage());
                            Object[] row = telemetry ? new Object[] {st.name() + ":" + i, "?", "error: " + e.getMessage(),
                                    "", "", "", ""} : new Object[] {st.name() + ":" + i, "?", "error: " + e.getMessage(),
                                    "", "", ""};
                            dt.row(row);
                        }
                        devs.add(d);
                    }
                }
                b.put("devices", devs);
                backends.add(b);
                bt.row(st.name(), st.vendor(), st.available() ? "available" : "unavailable", devs.size(),
                        st.reason());
            }
            if (json) {
                Json.print(out, Map.of("backends", backends));
            } else {
                bt.print(out);
                out.println();
                dt.print(out);
                out.println();
                out.println("Default device: " + describeBest(kx));
                out.flush();
            }
        }
        return 0;
    }

    static String describeBest(Kuaxin kx) {
        try {
            return kx.best().id() + " (" + kx.bestReason() + ")";
        } catch (KuaxinException e) {
            return "none: " + e.getMessage();
        }
    }
}
