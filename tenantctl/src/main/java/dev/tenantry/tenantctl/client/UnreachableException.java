package dev.tenantry.tenantctl.client;

/** Nothing answered at the service's URL (refused, timed out, unknown host). */
public class UnreachableException extends RuntimeException {

    private final Service service;

    public UnreachableException(Service service, String url, Throwable cause) {
        super(
                service.moduleName() + " is not reachable at " + url + " (" + describe(cause) + "); set "
                        + service.urlVariable() + " or --" + service.shortName() + "-url if it runs elsewhere",
                cause);
        this.service = service;
    }

    public Service service() {
        return service;
    }

    private static String describe(Throwable cause) {
        String name = cause.getClass().getSimpleName();
        return cause.getMessage() == null ? name : name + ": " + cause.getMessage();
    }
}
