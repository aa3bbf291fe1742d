package dev.tenantry.worker.rollout;

import dev.tenantry.worker.model.RolloutPlan;
import dev.tenantry.worker.model.RolloutPlan.PlannedStage;
import dev.tenantry.worker.model.RolloutPlan.Skipped;
import dev.tenantry.worker.model.RolloutPlan.Target;
import dev.tenantry.worker.model.RolloutRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Turns a rollout request and the tenants behind its target version into stages. Pure: no
 * database, no clock, so every rule here is unit-tested on its own.
 *
 * <p>Rules: tenants are taken in schema-name order (a stable order, so a dry run and the real
 * rollout agree); a stage first takes the tenants it names, then its size (or share of the whole),
 * and the last stage takes every tenant left. A pinned tenant is skipped unless the request names
 * it: a pin means someone chose that version for it.
 */
public final class RolloutPlanner {

    static final int DEFAULT_PARALLELISM = 4;

    private RolloutPlanner() {}

    /**
     * A tenant behind the target version, as drift verification found it, with its plan and
     * metadata from the tenant registry (null and empty when they were not looked up, or the
     * registry does not know the tenant).
     */
    public record Candidate(
            String tenant,
            String schema,
            String currentVersion,
            String pinnedVersion,
            String plan,
            Map<String, String> metadata) {

        public Candidate(String tenant, String schema, String currentVersion, String pinnedVersion) {
            this(tenant, schema, currentVersion, pinnedVersion, null, Map.of());
        }

        public Candidate withRegistryEntry(String plan, Map<String, String> metadata) {
            return new Candidate(tenant, schema, currentVersion, pinnedVersion, plan, Map.copyOf(metadata));
        }

        boolean matchesRegistrySelection(RolloutRequest request) {
            if (request.plans() != null
                    && !request.plans().isEmpty()
                    && (plan == null || !request.plans().contains(plan))) {
                return false;
            }
            return request.metadata() == null
                    || request.metadata().entrySet().stream()
                            .allMatch(wanted -> wanted.getValue().equals(metadata.get(wanted.getKey())));
        }

        String slug() {
            return schema.startsWith("tenant_") ? schema.substring("tenant_".length()) : schema;
        }

        boolean isNamedBy(String name) {
            return name.equals(tenant) || name.equals(schema) || name.equals(slug());
        }

        Target target() {
            return new Target(tenant, schema, currentVersion);
        }
    }

    /**
     * The plan for {@code request} over {@code candidates}.
     *
     * @param averageMigrationMs recent mean duration of one tenant's upgrade, for the estimate;
     *                           empty when nothing was measured yet
     */
    public static RolloutPlan plan(
            RolloutRequest request, String targetVersion, List<Candidate> candidates, OptionalLong averageMigrationMs) {
        List<String> named = request.tenants() == null ? List.of() : request.tenants();
        Pattern slugs = request.slugPattern() == null ? null : glob(request.slugPattern());
        List<Skipped> skipped = new ArrayList<>();
        Map<String, Candidate> selected = new LinkedHashMap<>();
        for (Candidate candidate : candidates.stream()
                .sorted(Comparator.comparing(Candidate::schema))
                .toList()) {
            boolean isNamed = named.stream().anyMatch(candidate::isNamedBy);
            if (!named.isEmpty() && !isNamed) {
                continue;
            }
            if (slugs != null && !slugs.matcher(candidate.slug()).matches()) {
                continue;
            }
            if (!candidate.matchesRegistrySelection(request)) {
                continue;
            }
            if (candidate.pinnedVersion() != null && !isNamed) {
                skipped.add(new Skipped(
                        candidate.tenant(),
                        candidate.schema(),
                        "pinned at version " + candidate.pinnedVersion() + "; name it to include it"));
                continue;
            }
            selected.put(candidate.schema(), candidate);
        }
        for (String name : named) {
            if (candidates.stream().noneMatch(c -> c.isNamedBy(name))) {
                skipped.add(new Skipped(name, null, "not behind version " + targetVersion));
            }
        }
        List<RolloutRequest.Stage> specs =
                request.stages() == null || request.stages().isEmpty() ? defaultStages() : request.stages();
        int total = selected.size();
        List<PlannedStage> stages = new ArrayList<>();
        for (int position = 0; position < specs.size(); position++) {
            RolloutRequest.Stage spec = specs.get(position);
            boolean last = position == specs.size() - 1;
            List<Target> tenants = new ArrayList<>();
            if (spec.tenants() != null) {
                for (String name : spec.tenants()) {
                    selected.values().stream()
                            .filter(c -> c.isNamedBy(name))
                            .findFirst()
                            .ifPresent(
                                    c -> tenants.add(selected.remove(c.schema()).target()));
                }
            }
            int wanted = last ? Integer.MAX_VALUE : sizeOf(spec, total);
            var rest = selected.values().iterator();
            while (tenants.size() < wanted && rest.hasNext()) {
                tenants.add(rest.next().target());
                rest.remove();
            }
            int parallelism = spec.parallelism() == null ? DEFAULT_PARALLELISM : spec.parallelism();
            stages.add(new PlannedStage(
                    position,
                    spec.name() == null ? "stage-" + (position + 1) : spec.name(),
                    List.copyOf(tenants),
                    parallelism,
                    budgetOf(spec, tenants.size()),
                    spec.pauseAfterSeconds() == null ? 0 : spec.pauseAfterSeconds(),
                    Boolean.TRUE.equals(spec.gate()),
                    estimate(tenants.size(), parallelism, averageMigrationMs)));
        }
        Long estimated = stages.stream().allMatch(s -> s.estimatedSeconds() != null)
                ? stages.stream()
                        .mapToLong(s ->
                                s.estimatedSeconds() + (s.position() < stages.size() - 1 ? s.pauseAfterSeconds() : 0))
                        .sum()
                : null;
        return new RolloutPlan(targetVersion, List.copyOf(stages), List.copyOf(skipped), estimated);
    }

    /**
     * The fleet upgrade of drift repair (auto-heal, {@code POST /admin/drift/fix}) as a rollout:
     * one stage over every tenant behind, as many at once as the workers allow, and no failure
     * budget: one tenant's broken migration must not hold back the others.
     */
    public static RolloutRequest fleetRepair() {
        return new RolloutRequest(
                null,
                null,
                null,
                null,
                null,
                List.of(new RolloutRequest.Stage(
                        "fleet", null, null, null, 1_000, RolloutPlan.UNLIMITED_FAILURES, null, 0L, false)));
    }

    /** A canary of one tenant in a hundred (at least one) that may not fail, then the rest with a 2 % budget. */
    static List<RolloutRequest.Stage> defaultStages() {
        return List.of(
                new RolloutRequest.Stage("canary", null, 1.0, null, 1, 0, null, 0L, false),
                new RolloutRequest.Stage("rest", null, null, null, DEFAULT_PARALLELISM, null, 2.0, 0L, false));
    }

    private static int sizeOf(RolloutRequest.Stage spec, int total) {
        if (spec.size() != null) {
            return spec.size();
        }
        if (spec.percent() != null) {
            return (int) Math.max(1, Math.ceil(total * spec.percent() / 100.0));
        }
        return spec.tenants() == null ? 0 : spec.tenants().size();
    }

    private static int budgetOf(RolloutRequest.Stage spec, int tenants) {
        if (spec.maxFailures() != null) {
            return spec.maxFailures();
        }
        if (spec.maxFailedPercent() != null) {
            return (int) Math.floor(tenants * spec.maxFailedPercent() / 100.0);
        }
        return 0;
    }

    private static Long estimate(int tenants, int parallelism, OptionalLong averageMigrationMs) {
        if (averageMigrationMs.isEmpty()) {
            return null;
        }
        long rounds = (tenants + parallelism - 1) / parallelism;
        return (rounds * averageMigrationMs.getAsLong() + 999) / 1000;
    }

    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
