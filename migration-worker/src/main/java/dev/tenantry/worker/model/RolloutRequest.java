package dev.tenantry.worker.model;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * What an operator asks a rollout to do: which tenants, up to which version, in which stages.
 * Every field may be left out: the latest version, every tenant behind it (pinned ones skipped),
 * and the default stages (a canary of one tenant in a hundred that may not fail, then the rest).
 * The selections (tenants, slug pattern, plans, metadata) narrow each other: a tenant must pass
 * every one given.
 */
@Schema(description = "A rollout to create: target version, tenants and stages")
public record RolloutRequest(
        @Schema(description = "Version to bring the tenants to; the latest migration when absent")
        String targetVersion,

        @Schema(
                description = "Only these tenants (tenant id, slug or schema name); a pinned tenant named here is"
                        + " upgraded")
        List<String> tenants,

        @Schema(description = "Only tenants whose slug matches this pattern (* and ? wildcards)")
        String slugPattern,

        @Schema(description = "Only tenants on one of these plans, as the tenant registry records them")
        List<String> plans,

        @Schema(
                description = "Only tenants whose registry metadata has every one of these entries, e.g."
                        + " {\"region\": \"eu\"}")
        Map<String, String> metadata,

        @Schema(description = "Stages in order; the last one takes every tenant left")
        List<Stage> stages) {

    /** One stage: its size, how many tenants at once, how many may fail, and what comes after it. */
    @Schema(description = "One stage of a rollout")
    public record Stage(
            @Schema(description = "Name shown in progress and events, e.g. canary")
            String name,

            @Schema(description = "Number of tenants in the stage")
            Integer size,

            @Schema(description = "Share of the rollout's tenants in the stage, in percent (at least one tenant)")
            Double percent,

            @Schema(description = "Tenants that must be in this stage (tenant id, slug or schema name)")
            List<String> tenants,

            @Schema(description = "Tenants migrated at once by all workers together", defaultValue = "4")
            Integer parallelism,

            @Schema(description = "Halt when more tenants than this fail in the stage", defaultValue = "0")
            Integer maxFailures,

            @Schema(description = "Halt when more than this share of the stage's tenants fail, in percent")
            Double maxFailedPercent,

            @Schema(description = "Seconds to wait after the stage before the next one starts", defaultValue = "0")
            Long pauseAfterSeconds,

            @Schema(description = "Pause after the stage until an operator resumes the rollout", defaultValue = "false")
            Boolean gate) {}
}
