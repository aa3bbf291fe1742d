package dev.tenantry.localstack;

/**
 * One row of {@code ./tenantry status}: what the supervisor last saw of a component.
 *
 * @param pid null while no process runs
 * @param restarts starts after the first one, after a crash or by {@code ./tenantry restart}
 */
record ComponentStatus(String name, String state, Long pid, int port, boolean ready, int restarts) {}
