package dev.tenantry.benchmarks;

import dev.tenantry.faults.RunningSystem;
import dev.tenantry.faults.StackComponentStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/** CPU and memory of every component of the running system, by component name. */
final class ComponentMeters {

    private ComponentMeters() {}

    /** CPU milliseconds used so far by each component (PostgreSQL with all its backends). */
    static Map<String, Long> cpuMillis(RunningSystem system) throws Exception {
        Map<String, Long> cpu = new LinkedHashMap<>();
        for (StackComponentStatus component : system.status()) {
            if (component.pid() != null) {
                cpu.put(
                        component.name(),
                        ProcessMeter.cpuMillis(component.pid(), component.name().equals("postgres")));
            }
        }
        return cpu;
    }

    /** Process id of a component of the running system. */
    static long pid(RunningSystem system, String name) throws Exception {
        for (StackComponentStatus component : system.status()) {
            if (component.name().equals(name) && component.pid() != null) {
                return component.pid();
            }
        }
        throw new IllegalStateException(name + " is not running");
    }

    /** Resident memory of each service, in MiB. */
    static Map<String, Double> serviceRssMiB(RunningSystem system) throws Exception {
        Map<String, Double> rss = new LinkedHashMap<>();
        for (StackComponentStatus component : system.status()) {
            if (component.pid() != null
                    && !component.name().equals("postgres")
                    && !component.name().equals("kafka")) {
                rss.put(component.name(), ProcessMeter.rssMiB(component.pid()));
            }
        }
        return rss;
    }
}
