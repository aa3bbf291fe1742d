package dev.tenantry.worker.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.worker.model.RolloutPlan;
import dev.tenantry.worker.model.RolloutPlan.PlannedStage;
import dev.tenantry.worker.model.RolloutRequest;
import dev.tenantry.worker.model.RolloutRequest.Stage;
import dev.tenantry.worker.rollout.RolloutPlanner.Candidate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RolloutPlannerTests {

    private static List<Candidate> tenants(int count) {
        List<Candidate> tenants = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tenants.add(new Candidate("id-" + i, String.format("tenant_t%03d", i), "2", null));
        }
        return tenants;
    }

    private static Stage stage(String name, Integer size, Double percent, List<String> named, Integer maxFailures) {
        return new Stage(name, size, percent, named, null, maxFailures, null, null, null);
    }

    private static List<String> schemas(PlannedStage stage) {
        return stage.tenants().stream().map(RolloutPlan.Target::schema).toList();
    }

    @Test
    void withoutStagesACanaryOfOnePercentThatMayNotFailComesBeforeTheRestWithATwoPercentBudget() {
        RolloutPlan plan = RolloutPlanner.plan(
                new RolloutRequest(null, null, null, null, null, null), "3", tenants(250), OptionalLong.empty());

        assertThat(plan.stages()).extracting(PlannedStage::name).containsExactly("canary", "rest");
        assertThat(plan.stages().get(0).tenants()).hasSize(3);
        assertThat(plan.stages().get(0).maxFailures()).isZero();
        assertThat(plan.stages().get(0).parallelism()).isEqualTo(1);
        assertThat(plan.stages().get(1).tenants()).hasSize(247);
        assertThat(plan.stages().get(1).maxFailures()).isEqualTo(4);
        assertThat(plan.tenantCount()).isEqualTo(250);
    }

    @Test
    void aCanaryOfOnePercentOfAFewTenantsIsStillOneTenant() {
        RolloutPlan plan = RolloutPlanner.plan(
                new RolloutRequest(null, null, null, null, null, null), "3", tenants(5), OptionalLong.empty());

        assertThat(plan.stages().get(0).tenants()).hasSize(1);
        assertThat(plan.stages().get(1).tenants()).hasSize(4);
    }

    @Test
    void namedCanaryTenantsComeFirstAndTheLastStageTakesEveryTenantLeft() {
        RolloutRequest request = new RolloutRequest(
                null,
                null,
                null,
                null,
                null,
                List.of(
                        stage("canary", null, null, List.of("t007", "id-3"), 0),
                        stage("wave-1", 2, null, null, 1),
                        stage("wave-2", 1, null, null, 1)));

        RolloutPlan plan = RolloutPlanner.plan(request, "3", tenants(8), OptionalLong.empty());

        assertThat(schemas(plan.stages().get(0))).containsExactly("tenant_t007", "tenant_t003");
        assertThat(schemas(plan.stages().get(1))).containsExactly("tenant_t000", "tenant_t001");
        assertThat(schemas(plan.stages().get(2)))
                .containsExactly("tenant_t002", "tenant_t004", "tenant_t005", "tenant_t006");
    }

    @Test
    void aPinnedTenantIsSkippedWithItsPinUnlessTheRequestNamesIt() {
        List<Candidate> candidates = new ArrayList<>(tenants(2));
        candidates.add(new Candidate("id-pinned", "tenant_pinned", "1", "1"));

        RolloutPlan all = RolloutPlanner.plan(
                new RolloutRequest(null, null, null, null, null, null), "3", candidates, OptionalLong.empty());
        RolloutPlan named = RolloutPlanner.plan(
                new RolloutRequest(null, List.of("pinned", "t000"), null, null, null, null),
                "3",
                candidates,
                OptionalLong.empty());

        assertThat(all.tenantCount()).isEqualTo(2);
        assertThat(all.skipped()).singleElement().satisfies(s -> {
            assertThat(s.schema()).isEqualTo("tenant_pinned");
            assertThat(s.reason()).contains("pinned at version 1");
        });
        assertThat(named.tenantCount()).isEqualTo(2);
        assertThat(named.stages().stream().flatMap(s -> schemas(s).stream()))
                .containsExactlyInAnyOrder("tenant_pinned", "tenant_t000");
        assertThat(named.skipped()).isEmpty();
    }

    @Test
    void aSlugPatternSelectsTenantsAndANameThatIsNotBehindIsReported() {
        List<Candidate> candidates = List.of(
                new Candidate("a", "tenant_acme_eu", "2", null),
                new Candidate("b", "tenant_acme_us", "2", null),
                new Candidate("c", "tenant_globex", "2", null));

        RolloutPlan byPattern = RolloutPlanner.plan(
                new RolloutRequest(null, null, "acme_*", null, null, List.of(stage("all", null, null, null, 0))),
                "3",
                candidates,
                OptionalLong.empty());
        RolloutPlan byName = RolloutPlanner.plan(
                new RolloutRequest(null, List.of("initech"), null, null, null, null),
                "3",
                candidates,
                OptionalLong.empty());

        assertThat(schemas(byPattern.stages().get(0))).containsExactly("tenant_acme_eu", "tenant_acme_us");
        assertThat(byName.tenantCount()).isZero();
        assertThat(byName.skipped()).singleElement().satisfies(s -> {
            assertThat(s.tenant()).isEqualTo("initech");
            assertThat(s.reason()).isEqualTo("not behind version 3");
        });
    }

    @Test
    void plansAndMetadataNarrowTheSelectionAndATenantTheRegistryDoesNotKnowIsLeftOut() {
        List<Candidate> candidates = List.of(
                new Candidate("a", "tenant_acme", "2", null).withRegistryEntry("enterprise", Map.of("region", "eu")),
                new Candidate("b", "tenant_globex", "2", null)
                        .withRegistryEntry("enterprise", Map.of("region", "us", "tier", "gold")),
                new Candidate("c", "tenant_initech", "2", null).withRegistryEntry("free", Map.of("region", "eu")),
                new Candidate("d", "tenant_unknown", "2", null));

        RolloutPlan enterprise = RolloutPlanner.plan(
                new RolloutRequest(
                        null, null, null, List.of("enterprise"), null, List.of(stage("all", null, null, null, 0))),
                "3",
                candidates,
                OptionalLong.empty());
        RolloutPlan eu = RolloutPlanner.plan(
                new RolloutRequest(
                        null, null, null, null, Map.of("region", "eu"), List.of(stage("all", null, null, null, 0))),
                "3",
                candidates,
                OptionalLong.empty());
        RolloutPlan enterpriseInEu = RolloutPlanner.plan(
                new RolloutRequest(
                        null,
                        null,
                        null,
                        List.of("enterprise", "pro"),
                        Map.of("region", "eu"),
                        List.of(stage("all", null, null, null, 0))),
                "3",
                candidates,
                OptionalLong.empty());

        assertThat(schemas(enterprise.stages().get(0))).containsExactly("tenant_acme", "tenant_globex");
        assertThat(schemas(eu.stages().get(0))).containsExactly("tenant_acme", "tenant_initech");
        assertThat(schemas(enterpriseInEu.stages().get(0))).containsExactly("tenant_acme");
    }

    @Test
    void aPercentBudgetRoundsDownAndTheEstimateCountsRoundsOfParallelTenantsAndPauses() {
        RolloutRequest request = new RolloutRequest(
                null,
                null,
                null,
                null,
                null,
                List.of(
                        new Stage("canary", 2, null, null, 1, 0, null, 60L, null),
                        new Stage("rest", null, null, null, 4, null, 5.0, null, null)));

        RolloutPlan plan = RolloutPlanner.plan(request, "3", tenants(42), OptionalLong.of(500));

        assertThat(plan.stages().get(1).maxFailures()).isEqualTo(2); // 5 % of 40
        assertThat(plan.stages().get(0).estimatedSeconds()).isEqualTo(1); // 2 rounds of 0.5 s
        assertThat(plan.stages().get(1).estimatedSeconds()).isEqualTo(5); // 10 rounds of 0.5 s
        assertThat(plan.estimatedSeconds()).isEqualTo(66);
    }

    @Test
    void withoutMeasuredDurationsThereIsNoEstimate() {
        RolloutPlan plan = RolloutPlanner.plan(
                new RolloutRequest(null, null, null, null, null, null), "3", tenants(3), OptionalLong.empty());

        assertThat(plan.estimatedSeconds()).isNull();
    }

    @Test
    void fleetRepairIsOneStageWhoseFailuresNeverHaltIt() {
        RolloutPlan plan = RolloutPlanner.plan(RolloutPlanner.fleetRepair(), "3", tenants(10), OptionalLong.empty());

        assertThat(plan.stages()).singleElement().satisfies(s -> {
            assertThat(s.tenants()).hasSize(10);
            assertThat(s.maxFailures()).isEqualTo(RolloutPlan.UNLIMITED_FAILURES);
        });
    }
}
