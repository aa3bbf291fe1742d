package dev.tenantry.localstack;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalInt;

/** One process of the local stack the supervisor can watch, stop and start again. */
interface Component {

    String name();

    /** The port it serves on, for the status table. */
    int port();

    /** Starts it; may return before it is ready (see {@link #isReady()}). Does nothing if it runs. */
    void start() throws IOException;

    /** Stops it and cleans up what a crashed process left behind; does nothing if it is down. */
    void stop();

    /** Whether its process is alive. */
    boolean isAlive();

    /** Its process id while alive. */
    Optional<Long> pid();

    /** Exit status of the last process, when it was ours to wait for. */
    OptionalInt exitStatus();

    /** Whether it answers as it should; may block for a short network timeout. */
    boolean isReady();
}
