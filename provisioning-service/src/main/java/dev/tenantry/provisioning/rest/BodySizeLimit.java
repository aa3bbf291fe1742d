package dev.tenantry.provisioning.rest;

import dev.tenantry.provisioning.config.ProvisioningConfig;
import dev.tenantry.support.rest.ProblemException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses bodies over {@code tenantry.provisioning.api.max-body-bytes} with a 413 problem before
 * they are read. (Vert.x's own, larger limit in quarkus.http.limits.max-body-size still guards
 * bodies sent without a length.)
 */
public class BodySizeLimit {

    private final int maxBytes;

    public BodySizeLimit(ProvisioningConfig config) {
        this.maxBytes = config.api().maxBodyBytes();
    }

    @ServerRequestFilter(preMatching = true)
    public void limit(ContainerRequestContext request) {
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return;
        }
        long bytes;
        try {
            bytes = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest("Content-Length is not a number");
        }
        if (bytes > maxBytes) {
            throw new ProblemException(413, "payload-too-large", "Payload too large",
                    "The request body has " + bytes + " bytes; at most " + maxBytes + " are accepted");
        }
    }
}
