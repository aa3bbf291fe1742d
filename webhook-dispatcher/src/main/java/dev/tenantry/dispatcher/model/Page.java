package dev.tenantry.dispatcher.model;

import java.util.List;

/** One page of a list; {@code nextCursor} continues after its last item and is null on the last page. */
public record Page<T>(List<T> items, String nextCursor) {}
