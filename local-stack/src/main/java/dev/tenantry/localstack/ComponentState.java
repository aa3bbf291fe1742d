package dev.tenantry.localstack;

/** What the supervisor knows of one component of the stack. */
enum ComponentState {
    /** Its process is alive and its readiness check passes. */
    RUNNING("running"),
    /** Its process is alive but not (yet, or no longer) ready: starting, or its dependencies are away. */
    NOT_READY("not ready"),
    /** It exited unexpectedly; the supervisor starts it again after a backoff. */
    RESTARTING("restarting"),
    /** Stopped by an operator ({@code ./tenantry stop}); stays down until {@code ./tenantry restart}. */
    STOPPED("stopped");

    private final String label;

    ComponentState(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }
}
