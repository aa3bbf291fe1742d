package dev.tenantry.provisioning;

import static dev.tenantry.provisioning.ProvisioningTestSupport.admin;
import static dev.tenantry.provisioning.ProvisioningTestSupport.awaitStatus;
import static dev.tenantry.provisioning.ProvisioningTestSupport.createTenant;
import static dev.tenantry.provisioning.ProvisioningTestSupport.decode;
import static dev.tenantry.provisioning.ProvisioningTestSupport.execute;
import static dev.tenantry.provisioning.ProvisioningTestSupport.queryLong;
import static dev.tenantry.provisioning.ProvisioningTestSupport.read;
import static dev.tenantry.provisioning.ProvisioningTestSupport.schemaExists;
import static dev.tenantry.provisioning.ProvisioningTestSupport.simpleType;
import static dev.tenantry.provisioning.ProvisioningTestSupport.timeline;
import static dev.tenantry.provisioning.ProvisioningTestSupport.typesFor;
import static dev.tenantry.provisioning.ProvisioningTestSupport.viewer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.tenantry.contracts.Topics;
import dev.tenantry.contracts.events.TenantProvisioningFailed;
import dev.tenantry.contracts.events.TenantUpgradeFailed;
import dev.tenantry.testinfra.TenantryTestResource;
import dev.tenantry.testinfra.TestNames;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Failing migrations, with the real worker given a release whose fourth migration breaks: a new
 * tenant is compensated (schema dropped, slug free again); an upgrade fails without touching data.
 */
@QuarkusTest
@WithTestResource(TenantryTestResource.class)
class MigrationFailureIT {

    private static final String BROKEN_RELEASE = """
            -- Works, then refers to a table that does not exist: transactional DDL undoes both.
            CREATE TABLE loyalty_tiers (id bigint PRIMARY KEY, name text NOT NULL);
            ALTER TABLE no_such_table ADD COLUMN tier_id bigint REFERENCES loyalty_tiers (id);
            """;

    private static String upgradedSlug;
    private static String upgradedId;
    private static ChildServiceProcess brokenWorker;

    /** Once, before the first test (REST is reachable only once the test application runs). */
    private static synchronized void tenantAtTheReleasedVersionThenABrokenRelease() throws Exception {
        if (brokenWorker != null) {
            return;
        }
        ChildServiceProcess.sharedWorker();
        upgradedSlug = TestNames.unique("keeper");
        upgradedId = createTenant(upgradedSlug);
        awaitStatus(upgradedId, "ACTIVE");
        execute("INSERT INTO tenant_" + upgradedSlug
                + ".customers (code, name) VALUES ('c1', 'First'), ('c2', 'Second')");

        Path release = Files.createDirectories(Path.of("target", "broken-release"));
        Files.writeString(release.resolve("V4__loyalty_tiers_broken.sql"), BROKEN_RELEASE);
        ChildServiceProcess.stopSharedWorker();
        brokenWorker = ChildServiceProcess.startWorker(
                "broken-release",
                List.of("tenantry.worker.tenant-migrations.locations=classpath:db/tenant,filesystem:"
                        + release.toAbsolutePath()));
    }

    @AfterAll
    static void backToTheSharedWorker() {
        if (brokenWorker != null) {
            brokenWorker.close();
        }
    }

    @Test
    void aNewTenantWhoseMigrationFailsIsRolledBackAndItsSlugIsFreeAgain() throws Exception {
        tenantAtTheReleasedVersionThenABrokenRelease();
        String slug = TestNames.unique("doomed");
        String id = createTenant(slug);

        awaitStatus(id, "ROLLED_BACK");

        assertThat(schemaExists("tenant_" + slug)).isFalse();
        assertThat(timeline(id))
                .containsSubsequence(
                        "transition:REQUESTED->PROVISIONING",
                        "migration-result",
                        "transition:PROVISIONING->FAILED",
                        "transition:FAILED->COMPENSATING",
                        "migration-result",
                        "transition:COMPENSATING->ROLLED_BACK");
        assertThat(typesFor(Topics.TENANT_MIGRATION_REQUESTS, id, "TenantRollbackRequested"))
                .containsExactly("TenantRequested", "TenantRollbackRequested");
        var failed = read(
                Topics.TENANT_LIFECYCLE,
                r -> id.equals(r.key()),
                got -> got.stream().anyMatch(r -> "TenantProvisioningFailed".equals(simpleType(r))));
        assertThat(failed)
                .extracting(ProvisioningTestSupport::simpleType)
                .containsExactly("TenantProvisioningStarted", "TenantProvisioningFailed");
        TenantProvisioningFailed cause =
                (TenantProvisioningFailed) decode(failed.get(1)).data();
        assertThat(cause.failedVersion()).isEqualTo("4");
        assertThat(cause.reason()).contains("no_such_table");
        given().header("Authorization", viewer())
                .when()
                .get("/tenants/" + id)
                .then()
                .body("failureReason", org.hamcrest.Matchers.containsString("no_such_table"));

        String again = createTenant(slug);
        assertThat(again).isNotEqualTo(id);
        assertThat(queryLong("SELECT count(*) FROM tenant WHERE slug = ?", slug))
                .isEqualTo(2);
    }

    @Test
    void aFailedUpgradeLeavesTheTenantAtItsVersionWithItsRowsAndCanBeRetried() throws Exception {
        tenantAtTheReleasedVersionThenABrokenRelease();
        given().header("Authorization", admin())
                .when()
                .post("/tenants/" + upgradedId + "/upgrade")
                .then()
                .statusCode(202);
        awaitStatus(upgradedId, "UPGRADE_FAILED");

        given().header("Authorization", viewer())
                .when()
                .get("/tenants/" + upgradedId)
                .then()
                .body("currentVersion", equalTo("3"));
        assertThat(queryLong("SELECT count(*) FROM tenant_" + upgradedSlug + ".customers"))
                .isEqualTo(2);
        assertThat(queryLong(
                        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? "
                                + "AND table_name = 'loyalty_tiers'",
                        "tenant_" + upgradedSlug))
                .isZero();
        var lifecycle = read(
                Topics.TENANT_LIFECYCLE,
                r -> upgradedId.equals(r.key()),
                got -> got.stream().anyMatch(r -> "TenantUpgradeFailed".equals(simpleType(r))));
        TenantUpgradeFailed failed = (TenantUpgradeFailed)
                decode(lifecycle.get(lifecycle.size() - 1)).data();
        assertThat(failed.currentVersion()).isEqualTo("3");
        assertThat(failed.failedVersion()).isEqualTo("4");
        assertThat(typesFor(Topics.TENANT_MIGRATION_REQUESTS, upgradedId, "TenantUpgradeRequested"))
                .doesNotContain("TenantRollbackRequested");

        // UPGRADE_FAILED -> UPGRADING is allowed: a retry (still broken here) fails the same way.
        given().header("Authorization", admin())
                .when()
                .post("/tenants/" + upgradedId + "/upgrade")
                .then()
                .statusCode(202)
                .body("status", equalTo("UPGRADING"));
        awaitStatus(upgradedId, "UPGRADE_FAILED");
        assertThat(queryLong("SELECT count(*) FROM tenant_" + upgradedSlug + ".customers"))
                .isEqualTo(2);
        assertThat(timeline(upgradedId).stream().filter("transition:UPGRADING->UPGRADE_FAILED"::equals))
                .hasSize(2);
    }
}
