package dev.tenantry.faults;

/**
 * One broken invariant.
 *
 * @param subject what it concerns: a tenant id, a schema, an event id, a topic position
 * @param detail  what was found, for a person reading the report
 */
public record Violation(InvariantRule rule, String subject, String detail) {

    @Override
    public String toString() {
        return rule + " " + subject + ": " + detail;
    }
}
