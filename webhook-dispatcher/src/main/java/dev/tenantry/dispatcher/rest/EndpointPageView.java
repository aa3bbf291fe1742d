package dev.tenantry.dispatcher.rest;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One page of endpoints, oldest first; pass {@code nextCursor} as {@code cursor} for the next one. */
public record EndpointPageView(
        List<EndpointView> items,

        @Schema(description = "Cursor of the next page; null on the last page")
        String nextCursor) {}
