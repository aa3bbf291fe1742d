package dev.tenantry.support.rest;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The entry point of every Tenantry service. Quarkus answers a request target that is not a valid
 * URI ({@code /tenants/{x}}) with an empty 400 before any handler of the application runs, unless
 * {@code vertx.disableURIValidation} is set when it starts; set here, before Quarkus starts, so
 * that {@link HttpGuard} answers such requests with a problem document. (Tests set the same
 * property in the build.)
 */
@QuarkusMain
public final class ServiceMain {

    static final String DISABLE_URI_VALIDATION = "vertx.disableURIValidation";

    private ServiceMain() {}

    public static void main(String... args) {
        if (System.getProperty(DISABLE_URI_VALIDATION) == null) {
            System.setProperty(DISABLE_URI_VALIDATION, "true");
        }
        Quarkus.run(args);
    }
}
