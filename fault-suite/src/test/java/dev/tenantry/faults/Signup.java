package dev.tenantry.faults;

/**
 * One tenant the burst asks for.
 *
 * @param doomed whether its schema was prepared to make its first migration fail
 * @param id     the tenant id the provisioning service answered with
 */
record Signup(String slug, boolean doomed, String id) {

    /** How such a tenant must end: a failed first migration is compensated, never left half-done. */
    String expectedStatus() {
        return doomed ? "ROLLED_BACK" : "ACTIVE";
    }
}
