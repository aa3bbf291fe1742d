package dev.tenantry.tenantctl.command;

import dev.tenantry.tenantctl.client.Service;
import java.time.Duration;
import java.util.Map;

/**
 * The options every command inherits from the root command. An interface here, implemented by the
 * root, so that the commands need not know the root class that lists them (no package cycle).
 */
public interface GlobalOptions {

    /** The URL of a service: flag, else environment variable, else the running local stack's. */
    String url(Service service);

    /** The bearer token, or null when none was given. */
    String token();

    Duration httpTimeout();

    boolean json();

    Map<String, String> environment();
}
