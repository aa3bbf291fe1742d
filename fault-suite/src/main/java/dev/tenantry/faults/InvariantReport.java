package dev.tenantry.faults;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** What one check found: every violation, and how much it looked at (so an empty report means something). */
public record InvariantReport(
        List<Violation> violations, int tenants, int tenantSchemas, int eventsRead, int deliveries, int deadLetters) {

    public InvariantReport {
        violations = List.copyOf(violations);
    }

    public boolean holds() {
        return violations.isEmpty();
    }

    public Map<InvariantRule, Long> countsByRule() {
        return violations.stream().collect(Collectors.groupingBy(Violation::rule, TreeMap::new, Collectors.counting()));
    }

    /** One line per violation under a summary line; for test failure messages and logs. */
    public String describe() {
        StringBuilder text = new StringBuilder(String.format(
                "%d violation(s) over %d tenants, %d tenant schemas, " + "%d events, %d deliveries, %d dead letters",
                violations.size(), tenants, tenantSchemas, eventsRead, deliveries, deadLetters));
        violations.forEach(v -> text.append(System.lineSeparator()).append("  ").append(v));
        return text.toString();
    }
}
