package dev.tenantry.dispatcher.model;

import java.util.List;

/**
 * What a client asks an endpoint to be.
 *
 * @param enabled null leaves the endpoint's state as it is
 */
public record EndpointSpec(
        String url, String description, List<String> eventTypes, List<String> tenantIds, Boolean enabled) {}
