package dev.tenantry.provisioning.rest;

import dev.tenantry.provisioning.model.TimelineEntry;
import java.util.List;

/** A tenant's history, oldest first. */
public record TimelineView(String tenantId, List<TimelineEntry> entries) {}
