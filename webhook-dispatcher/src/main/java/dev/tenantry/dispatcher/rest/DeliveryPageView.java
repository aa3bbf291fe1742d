package dev.tenantry.dispatcher.rest;

import dev.tenantry.dispatcher.model.Delivery;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One page of deliveries, newest first; pass {@code nextCursor} as {@code cursor} for the next one. */
public record DeliveryPageView(
        List<Delivery> items,

        @Schema(description = "Cursor of the next page; null on the last page")
        String nextCursor) {}
