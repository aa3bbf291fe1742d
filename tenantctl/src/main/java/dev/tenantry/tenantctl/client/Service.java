package dev.tenantry.tenantctl.client;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The Tenantry services tenantctl talks to, with the environment variable and default URL of each. */
public enum Service {
    PROVISIONING("provisioning", "provisioning-service", "TENANTRY_PROVISIONING_URL", "http://localhost:8081"),
    WORKER("worker", "migration-worker", "TENANTRY_WORKER_URL", "http://localhost:8082"),
    DISPATCHER("dispatcher", "webhook-dispatcher", "TENANTRY_DISPATCHER_URL", "http://localhost:8083");

    private final String shortName;
    private final String moduleName;
    private final String urlVariable;
    private final String defaultUrl;

    Service(String shortName, String moduleName, String urlVariable, String defaultUrl) {
        this.shortName = shortName;
        this.moduleName = moduleName;
        this.urlVariable = urlVariable;
        this.defaultUrl = defaultUrl;
    }

    public String shortName() {
        return shortName;
    }

    /** The service's module and application name, as in its logs and metrics. */
    public String moduleName() {
        return moduleName;
    }

    public String urlVariable() {
        return urlVariable;
    }

    public String defaultUrl() {
        return defaultUrl;
    }

    /** Accepts the short name ({@code worker}) or the module name ({@code migration-worker}). */
    public static Service parse(String value) {
        String wanted = value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(s -> s.shortName.equals(wanted) || s.moduleName.equals(wanted))
                .findFirst()
                .orElseThrow(() ->
                        new IllegalArgumentException("unknown service '" + value + "': expected one of " + names()));
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(Service::shortName).toList();
    }

    @Override
    public String toString() {
        return shortName;
    }
}
