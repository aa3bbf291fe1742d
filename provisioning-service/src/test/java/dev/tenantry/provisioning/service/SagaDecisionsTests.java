package dev.tenantry.provisioning.service;

import static dev.tenantry.provisioning.model.TenantStatus.ACTIVE;
import static dev.tenantry.provisioning.model.TenantStatus.COMPENSATING;
import static dev.tenantry.provisioning.model.TenantStatus.DELETED;
import static dev.tenantry.provisioning.model.TenantStatus.DELETING;
import static dev.tenantry.provisioning.model.TenantStatus.FAILED;
import static dev.tenantry.provisioning.model.TenantStatus.PROVISIONING;
import static dev.tenantry.provisioning.model.TenantStatus.REQUESTED;
import static dev.tenantry.provisioning.model.TenantStatus.ROLLED_BACK;
import static dev.tenantry.provisioning.model.TenantStatus.UPGRADE_FAILED;
import static dev.tenantry.provisioning.model.TenantStatus.UPGRADING;
import static dev.tenantry.provisioning.service.SagaTransition.ACTIVATE;
import static dev.tenantry.provisioning.service.SagaTransition.COMPENSATE;
import static dev.tenantry.provisioning.service.SagaTransition.FAIL_PROVISIONING;
import static dev.tenantry.provisioning.service.SagaTransition.FAIL_UPGRADE;
import static dev.tenantry.provisioning.service.SagaTransition.FINISH_DELETION;
import static dev.tenantry.provisioning.service.SagaTransition.FINISH_ROLLBACK;
import static dev.tenantry.provisioning.service.SagaTransition.FINISH_UPGRADE;
import static dev.tenantry.provisioning.service.SagaTransition.RECORD_WORKER_UPGRADE;
import static dev.tenantry.provisioning.service.SagaTransition.RECORD_WORKER_UPGRADE_FAILURE;
import static dev.tenantry.provisioning.service.SagaTransition.RESEND_DELETION_REQUEST;
import static dev.tenantry.provisioning.service.SagaTransition.RESEND_PROVISIONING_REQUEST;
import static dev.tenantry.provisioning.service.SagaTransition.RESEND_ROLLBACK_REQUEST;
import static dev.tenantry.provisioning.service.SagaTransition.RESEND_UPGRADE_REQUEST;
import static dev.tenantry.provisioning.service.SagaTransition.START_DELETION;
import static dev.tenantry.provisioning.service.SagaTransition.START_PROVISIONING;
import static dev.tenantry.provisioning.service.SagaTransition.START_UPGRADE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.Topics;
import dev.tenantry.contracts.events.CreateTenant;
import dev.tenantry.contracts.events.MigrationResult;
import dev.tenantry.contracts.events.TenantActivated;
import dev.tenantry.contracts.events.TenantDeleted;
import dev.tenantry.contracts.events.TenantDeletionRequested;
import dev.tenantry.contracts.events.TenantMigrated;
import dev.tenantry.contracts.events.TenantMigrationFailed;
import dev.tenantry.contracts.events.TenantProvisioningFailed;
import dev.tenantry.contracts.events.TenantProvisioningStarted;
import dev.tenantry.contracts.events.TenantRequested;
import dev.tenantry.contracts.events.TenantRollbackRequested;
import dev.tenantry.contracts.events.TenantRolledBack;
import dev.tenantry.contracts.events.TenantUpgradeFailed;
import dev.tenantry.contracts.events.TenantUpgradeRequested;
import dev.tenantry.contracts.events.TenantUpgraded;
import dev.tenantry.contracts.events.TenantryEvent;
import dev.tenantry.contracts.tenant.MigrationKind;
import dev.tenantry.provisioning.model.Tenant;
import dev.tenantry.provisioning.model.TenantStatus;
import dev.tenantry.provisioning.service.SagaDecisions.Decision;
import dev.tenantry.provisioning.service.SagaDecisions.Ignored;
import dev.tenantry.provisioning.service.SagaDecisions.Input;
import dev.tenantry.provisioning.service.SagaDecisions.Move;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The saga's decisions row by row, without a database or a broker: given a tenant in some state,
 * when something happens, expect the statuses it passes through, the events it sends and the
 * timeline it leaves.
 */
class SagaDecisionsTests {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final UUID TENANT = UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e");
    private static final String SCHEMA = "tenant_acme";
    private static final String CORRELATION = "workflow-1";

    private int lastId;
    private final SagaDecisions saga = new SagaDecisions(
            URI.create("urn:test:provisioning"), Clock.fixed(NOW, ZoneOffset.UTC), () -> "id-" + ++lastId);

    // ------------------------------------------------------------------ requests: create, upgrade, delete

    @Test
    void aNewTenantIsAskedOfTheWorkerAndAnnounced() {
        Then then = given(REQUESTED)
                .lastRequest(null)
                .attempts(0)
                .target("3")
                .when(new SagaDecisions.Create(null))
                .expect(PROVISIONING)
                .via(START_PROVISIONING)
                .sending(TenantRequested.class, TenantProvisioningStarted.class)
                .noted("requested", "slug acme via REST")
                .lines("START_PROVISIONING");
        assertThat(then.events()).extracting(EventEnvelope::correlationId).containsOnly(CORRELATION);
        assertThat(then.events().get(0).data()).isEqualTo(new TenantRequested(TENANT.toString(), "acme", SCHEMA, "3"));
        assertThat(then.topics()).containsExactly(Topics.TENANT_MIGRATION_REQUESTS, Topics.TENANT_LIFECYCLE);
        assertThat(then.after().requestAttempts()).isEqualTo(1);
        assertThat(then.after().lastRequestId()).isEqualTo(then.events().get(0).id());
        assertThat(then.after().statusChangedAt()).isEqualTo(NOW);
    }

    @Test
    void aTenantAskedForByCommandNamesTheCommandAsItsCause() {
        EventEnvelope<?> command = EventEnvelope.create(
                URI.create("urn:test:client"), new CreateTenant("cmd-1", "acme", "Acme", null, Map.of()));
        Then then = given(REQUESTED)
                .lastRequest(null)
                .attempts(0)
                .when(new SagaDecisions.Create(command))
                .expect(PROVISIONING)
                .noted("requested", "slug acme via command " + command.id());
        assertThat(then.decision.note().eventType()).isEqualTo(command.type());
        assertThat(then.events()).extracting(EventEnvelope::causationId).containsOnly(command.id());
    }

    @Test
    void anUpgradeStartsAWorkflowOfItsOwn() {
        Then then = given(ACTIVE)
                .when(new SagaDecisions.Upgrade("3", null))
                .expect(UPGRADING)
                .via(START_UPGRADE)
                .sending(TenantUpgradeRequested.class)
                .lines("START_UPGRADE version=3");
        assertThat(then.after().targetVersion()).isEqualTo("3");
        assertThat(then.after().requestAttempts()).isEqualTo(1);
        assertThat(then.after().correlationId()).isNotEqualTo(CORRELATION);
        assertThat(then.events())
                .extracting(EventEnvelope::correlationId)
                .containsOnly(then.after().correlationId());
    }

    @Test
    void aFailedUpgradeCanBeRetried() {
        given(UPGRADE_FAILED)
                .when(new SagaDecisions.Upgrade("3", null))
                .expect(UPGRADING)
                .via(START_UPGRADE);
    }

    @Test
    void aDeletionAsksTheWorkerToArchiveTheSchema() {
        given(ACTIVE)
                .when(new SagaDecisions.Delete(null))
                .expect(DELETING)
                .via(START_DELETION)
                .sending(TenantDeletionRequested.class)
                .lines("START_DELETION");
        given(UPGRADE_FAILED).when(new SagaDecisions.Delete(null)).expect(DELETING);
    }

    @Test
    void requestsTheStatusDoesNotAllowAreRefused() {
        given(DELETING).refuses(new SagaDecisions.Upgrade("3", null));
        given(PROVISIONING).refuses(new SagaDecisions.Delete(null));
        given(ROLLED_BACK).refuses(new SagaDecisions.Delete(null));
        given(ACTIVE).refuses(new SagaDecisions.Create(null));
    }

    // ------------------------------------------------------------------ answers to the latest request

    @Test
    void aMigratedNewSchemaActivatesTheTenant() {
        Then then = given(PROVISIONING)
                .current(null)
                .target(null)
                .lastRequest("r1")
                .when(answering("r1", migrated(MigrationKind.NEW, null, "3")))
                .expect(ACTIVE)
                .via(ACTIVATE)
                .sending(TenantActivated.class)
                .noted("migration-result", "new migration (none) -> 3, 3 applied in 40 ms")
                .lines("ACTIVATE version=3");
        assertThat(then.after().currentVersion()).isEqualTo("3");
        assertThat(then.events()).extracting(EventEnvelope::causationId).containsOnly("result-1");
        assertThat(then.events()).extracting(EventEnvelope::correlationId).containsOnly(CORRELATION);
    }

    @Test
    void aFailedNewSchemaIsFailedAndCompensated() {
        Then then = given(PROVISIONING)
                .current(null)
                .lastRequest("r1")
                .when(answering("r1", migrationFailed(MigrationKind.NEW, "2", null)))
                .expect(FAILED, COMPENSATING)
                .via(FAIL_PROVISIONING, COMPENSATE)
                .sending(TenantProvisioningFailed.class, TenantRollbackRequested.class)
                .noted("migration-result", "new migration failed at 2 (SQL_ERROR): boom")
                .lines(
                        "FAIL_PROVISIONING failedVersion=2 reason=SQL_ERROR at version 2: boom",
                        "COMPENSATE failedVersion=2 reason=SQL_ERROR at version 2: boom");
        assertThat(then.after().failureReason()).isEqualTo("SQL_ERROR at version 2: boom");
        assertThat(then.after().lastRequestId()).isEqualTo(then.events().get(1).id());
        assertThat(then.topics()).containsExactly(Topics.TENANT_LIFECYCLE, Topics.TENANT_MIGRATION_REQUESTS);
    }

    @Test
    void aDroppedSchemaFinishesTheRollbackAndSendsNothing() {
        Then then = given(COMPENSATING)
                .when(answering("r1", new TenantRolledBack(TENANT.toString(), SCHEMA, true)))
                .expect(ROLLED_BACK)
                .via(FINISH_ROLLBACK)
                .sending()
                .noted("migration-result", "schema tenant_acme dropped")
                .lines("FINISH_ROLLBACK");
        assertThat(then.after().lastRequestId()).isEqualTo("r1");
        given(COMPENSATING)
                .when(answering("r1", new TenantRolledBack(TENANT.toString(), SCHEMA, false)))
                .expect(ROLLED_BACK)
                .noted("migration-result", "schema tenant_acme was not there");
    }

    @Test
    void aMigratedUpgradeFinishesIt() {
        Then then = given(UPGRADING)
                .current("2")
                .target("3")
                .when(answering("r1", migrated(MigrationKind.UPGRADE, "2", "3")))
                .expect(ACTIVE)
                .via(FINISH_UPGRADE)
                .sending(TenantUpgraded.class)
                .noted("migration-result", "upgrade migration 2 -> 3, 3 applied in 40 ms")
                .lines("FINISH_UPGRADE version=3");
        assertThat(then.events().get(0).data())
                .isEqualTo(new TenantUpgraded(TENANT.toString(), "acme", SCHEMA, "2", "3"));
    }

    @Test
    void aWorkerReportNeverMovesTheVersionBackwards() {
        Then then = given(UPGRADING)
                .current("5")
                .when(answering("r1", migrated(MigrationKind.UPGRADE, "4", "4")))
                .expect(ACTIVE);
        assertThat(then.after().currentVersion()).isEqualTo("5");
    }

    @Test
    void aFailedUpgradeKeepsTheSchemaAndIsNeverCompensated() {
        Then then = given(UPGRADING)
                .current("2")
                .target("4")
                .when(answering("r1", migrationFailed(MigrationKind.UPGRADE, "4", "3")))
                .expect(UPGRADE_FAILED)
                .via(FAIL_UPGRADE)
                .sending(TenantUpgradeFailed.class)
                .lines("FAIL_UPGRADE version=3 failedVersion=4 reason=SQL_ERROR at version 4: boom");
        assertThat(then.after().currentVersion()).isEqualTo("3");
        assertThat(then.after().failureReason()).isEqualTo("SQL_ERROR at version 4: boom");
        assertThat(then.after().lastRequestId()).isEqualTo("r1");
    }

    @Test
    void anArchivedSchemaFinishesTheDeletion() {
        Then then = given(DELETING)
                .when(answering("r1", new TenantDeleted(TENANT.toString(), SCHEMA, "archived_acme")))
                .expect(DELETED)
                .via(FINISH_DELETION)
                .sending(TenantDeleted.class)
                .noted("migration-result", "schema tenant_acme archived as archived_acme")
                .lines("FINISH_DELETION archivedSchema=archived_acme");
        assertThat(then.topics()).containsExactly(Topics.TENANT_LIFECYCLE);
        given(DELETING)
                .when(answering("r1", new TenantDeleted(TENANT.toString(), SCHEMA, "archived_acme", false, null)))
                .expect(DELETED)
                .noted(
                        "migration-result",
                        "schema tenant_acme was not there; nothing archived (empty archive archived_acme)");
    }

    @Test
    void theWorkersOwnUpgradeOfAnActiveTenantIsRecorded() {
        given(ACTIVE)
                .current("2")
                .when(fromWorker(migrated(MigrationKind.UPGRADE, "2", "3")))
                .expect(ACTIVE)
                .via(RECORD_WORKER_UPGRADE)
                .sending(TenantUpgraded.class)
                .noted("migration-result", "upgrade migration 2 -> 3, 3 applied in 40 ms (started by the worker)");
    }

    @Test
    void aRolloutsFailedUpgradeOfAnActiveTenantMarksItUpgradeFailedWithItsData() {
        Then then = given(ACTIVE)
                .current("3")
                .when(fromWorker(migrationFailed(MigrationKind.UPGRADE, "4", "3")))
                .expect(UPGRADE_FAILED)
                .via(RECORD_WORKER_UPGRADE_FAILURE)
                .sending(TenantUpgradeFailed.class)
                .noted("migration-result", "upgrade migration failed at 4 (SQL_ERROR): boom (started by the worker)")
                .lines("RECORD_WORKER_UPGRADE_FAILURE version=3 failedVersion=4 reason=SQL_ERROR at version 4: boom");
        assertThat(then.after().currentVersion()).isEqualTo("3");
        assertThat(then.after().failureReason()).isEqualTo("SQL_ERROR at version 4: boom");
    }

    @Test
    void aRolloutsRetryThatSucceedsBringsAFailedUpgradeBackToActive() {
        Then then = given(UPGRADE_FAILED)
                .current("3")
                .failure("SQL_ERROR at version 4: boom")
                .when(fromWorker(migrated(MigrationKind.UPGRADE, "3", "4")))
                .expect(ACTIVE)
                .via(RECORD_WORKER_UPGRADE)
                .sending(TenantUpgraded.class);
        assertThat(then.after().currentVersion()).isEqualTo("4");
        assertThat(then.after().failureReason()).isNull();
    }

    @Test
    void aLateCopyOfAnOldRolloutFailureChangesNothing() {
        given(ACTIVE)
                .current("4")
                .when(fromWorker(migrationFailed(MigrationKind.UPGRADE, "4", "3")))
                .ignored(
                        Ignored.NOTHING_TO_CHANGE,
                        "started by the worker; nothing to change in status ACTIVE at version 4");
        given(UPGRADE_FAILED)
                .current("3")
                .when(fromWorker(migrationFailed(MigrationKind.UPGRADE, "4", "3")))
                .ignored(
                        Ignored.NOTHING_TO_CHANGE,
                        "started by the worker; nothing to change in status UPGRADE_FAILED at version 3");
    }

    @Test
    void theWorkersOwnUpgradeToNothingNewerChangesNothing() {
        given(ACTIVE)
                .current("3")
                .when(fromWorker(migrated(MigrationKind.UPGRADE, "2", "3")))
                .ignored(
                        Ignored.NOTHING_TO_CHANGE,
                        "started by the worker; nothing to change in status ACTIVE at version 3");
        given(UPGRADING)
                .current("2")
                .when(fromWorker(migrated(MigrationKind.UPGRADE, "2", "3")))
                .ignored(
                        Ignored.NOTHING_TO_CHANGE,
                        "started by the worker; nothing to change in status UPGRADING at version 2");
    }

    // ------------------------------------------------------------------ results that move nothing

    @Test
    void anAnswerToAnEarlierRequestIsStale() {
        given(PROVISIONING)
                .lastRequest("r2")
                .when(answering("r1", migrated(MigrationKind.NEW, null, "3")))
                .ignored(Ignored.STALE, "stale: answers request r1, the latest request is r2");
        given(COMPENSATING)
                .lastRequest("r2")
                .when(answering("r1", new TenantRolledBack(TENANT.toString(), SCHEMA, true)))
                .ignored(Ignored.STALE, "stale: answers request r1, the latest request is r2");
    }

    @Test
    void aSecondAnswerAfterTheTenantMovedOnIsIgnored() {
        given(ACTIVE)
                .lastRequest("r1")
                .when(answering("r1", migrated(MigrationKind.NEW, null, "3")))
                .ignored(Ignored.UNEXPECTED, "unexpected in status ACTIVE");
        given(ROLLED_BACK)
                .lastRequest("r1")
                .when(answering("r1", new TenantRolledBack(TENANT.toString(), SCHEMA, true)))
                .ignored(Ignored.UNEXPECTED, "unexpected in status ROLLED_BACK");
        given(DELETED)
                .lastRequest("r1")
                .when(answering("r1", new TenantDeleted(TENANT.toString(), SCHEMA, "archived_acme")))
                .ignored(Ignored.UNEXPECTED, "unexpected in status DELETED");
    }

    @Test
    void aResultInWhichTheWorkerChangedNothingMovesNothing() {
        given(COMPENSATING)
                .when(answering("r1", new TenantRolledBack(TENANT.toString(), SCHEMA, true, "superseded")))
                .ignored(Ignored.SKIPPED, "the worker changed nothing: superseded");
        given(DELETING)
                .when(answering(
                        "r1", new TenantDeleted(TENANT.toString(), SCHEMA, "archived_acme", true, "another tenant's")))
                .ignored(Ignored.SKIPPED, "the worker changed nothing: another tenant's");
    }

    @Test
    void aResultTheStatusDoesNotExpectIsIgnored() {
        given(PROVISIONING)
                .when(answering("r1", new TenantDeleted(TENANT.toString(), SCHEMA, "archived_acme")))
                .ignored(Ignored.UNEXPECTED, "unexpected in status PROVISIONING");
        given(PROVISIONING)
                .when(answering("r1", migrated(MigrationKind.UPGRADE, "2", "3")))
                .ignored(Ignored.UNEXPECTED, "unexpected in status PROVISIONING");
        given(DELETING)
                .when(answering("r1", migrationFailed(MigrationKind.UPGRADE, "3", "2")))
                .ignored(Ignored.UNEXPECTED, "unexpected in status DELETING");
    }

    // ------------------------------------------------------------------ timeouts

    @Test
    void theFirstTimeoutOfANewTenantAsksAgain() {
        Then then = given(PROVISIONING)
                .attempts(1)
                .when(new SagaDecisions.Timeout(TIMEOUT, 2))
                .expect(PROVISIONING)
                .via(RESEND_PROVISIONING_REQUEST)
                .sending(TenantRequested.class)
                .lines("RESEND_PROVISIONING_REQUEST reason=no result within PT2M");
        assertThat(then.decision.note()).isNull();
        assertThat(then.after().requestAttempts()).isEqualTo(2);
        assertThat(then.after().lastRequestId()).isEqualTo(then.events().get(0).id());
        assertThat(then.events()).extracting(EventEnvelope::causationId).containsOnlyNulls();
    }

    @Test
    void theLastAllowedTimeoutFailsAndCompensatesANewTenant() {
        Then then = given(PROVISIONING)
                .attempts(2)
                .when(new SagaDecisions.Timeout(TIMEOUT, 2))
                .expect(FAILED, COMPENSATING)
                .via(FAIL_PROVISIONING, COMPENSATE)
                .sending(TenantProvisioningFailed.class, TenantRollbackRequested.class)
                .lines(
                        "FAIL_PROVISIONING reason=No migration result within PT2M after 2 requests",
                        "COMPENSATE reason=No migration result within PT2M after 2 requests");
        assertThat(then.after().failureReason()).isEqualTo("No migration result within PT2M after 2 requests");
    }

    @Test
    void theRequestBudgetIsTheMaximumNumberOfRequests() {
        given(PROVISIONING)
                .attempts(2)
                .when(new SagaDecisions.Timeout(TIMEOUT, 3))
                .expect(PROVISIONING);
        given(PROVISIONING)
                .attempts(3)
                .when(new SagaDecisions.Timeout(TIMEOUT, 3))
                .expect(FAILED, COMPENSATING);
        given(UPGRADING).attempts(1).when(new SagaDecisions.Timeout(TIMEOUT, 1)).expect(UPGRADE_FAILED);
    }

    @Test
    void anUnansweredUpgradeIsAskedForAgainWithItsTarget() {
        Then then = given(UPGRADING)
                .target("4")
                .attempts(1)
                .when(new SagaDecisions.Timeout(TIMEOUT, 2))
                .expect(UPGRADING)
                .via(RESEND_UPGRADE_REQUEST)
                .sending(TenantUpgradeRequested.class)
                .lines("RESEND_UPGRADE_REQUEST version=4 reason=no result within PT2M");
        assertThat(then.after().requestAttempts()).isEqualTo(2);
        assertThat(((TenantUpgradeRequested) then.events().get(0).data()).targetVersion())
                .isEqualTo("4");
    }

    @Test
    void anUpgradeOutOfRequestsFailsWithoutCompensation() {
        Then then = given(UPGRADING)
                .current("2")
                .target("4")
                .attempts(2)
                .when(new SagaDecisions.Timeout(TIMEOUT, 2))
                .expect(UPGRADE_FAILED)
                .via(FAIL_UPGRADE)
                .sending(TenantUpgradeFailed.class)
                .lines("FAIL_UPGRADE reason=No upgrade result within PT2M after 2 requests");
        assertThat(then.after().currentVersion()).isEqualTo("2");
    }

    @Test
    void compensationIsAskedForAgainHoweverOftenItTakes() {
        given(COMPENSATING)
                .attempts(9)
                .failure("SQL_ERROR: boom")
                .when(new SagaDecisions.Timeout(TIMEOUT, 2))
                .expect(COMPENSATING)
                .via(RESEND_ROLLBACK_REQUEST)
                .sending(TenantRollbackRequested.class)
                .lines("RESEND_ROLLBACK_REQUEST reason=no result within PT2M; originally: SQL_ERROR: boom");
    }

    @Test
    void deletionIsAskedForAgainHoweverOftenItTakes() {
        given(DELETING)
                .attempts(9)
                .when(new SagaDecisions.Timeout(TIMEOUT, 2))
                .expect(DELETING)
                .via(RESEND_DELETION_REQUEST)
                .sending(TenantDeletionRequested.class)
                .lines("RESEND_DELETION_REQUEST reason=no result within PT2M");
    }

    @Test
    void aTenantNoLongerWaitingForTheWorkerHasNoTimeout() {
        for (TenantStatus status : List.of(ACTIVE, FAILED, UPGRADE_FAILED, ROLLED_BACK, DELETED)) {
            given(status).when(new SagaDecisions.Timeout(TIMEOUT, 2)).expect();
        }
    }

    // ------------------------------------------------------------------ given / when / expect

    private Given given(TenantStatus status) {
        return new Given(status);
    }

    private final class Given {
        private final TenantStatus status;
        private String current = "2";
        private String target = "2";
        private String failure;
        private String lastRequest = "r1";
        private int attempts = 1;

        Given(TenantStatus status) {
            this.status = status;
        }

        Given current(String version) {
            this.current = version;
            return this;
        }

        Given target(String version) {
            this.target = version;
            return this;
        }

        Given failure(String reason) {
            this.failure = reason;
            return this;
        }

        Given lastRequest(String id) {
            this.lastRequest = id;
            return this;
        }

        Given attempts(int requests) {
            this.attempts = requests;
            return this;
        }

        Tenant tenant() {
            Instant created = NOW.minusSeconds(600);
            return new Tenant(
                    TENANT,
                    "acme",
                    "Acme",
                    null,
                    Map.of(),
                    status,
                    current,
                    target,
                    failure,
                    lastRequest,
                    CORRELATION,
                    attempts,
                    created,
                    created,
                    created);
        }

        Then when(Input input) {
            return new Then(tenant(), saga.decide(tenant(), input));
        }

        void refuses(Input input) {
            assertThatThrownBy(() -> saga.decide(tenant(), input))
                    .isInstanceOf(IllegalTransitionException.class)
                    .hasMessageContaining("is " + status);
        }
    }

    private static final class Then {
        private final Tenant before;
        private final Decision decision;

        Then(Tenant before, Decision decision) {
            this.before = before;
            this.decision = decision;
        }

        /** The statuses the tenant passes through, in order; none when it does not move. */
        Then expect(TenantStatus... path) {
            assertThat(decision.moves()).extracting(m -> m.after().status()).containsExactly(path);
            assertThat(decision.ignored()).isNull();
            return this;
        }

        Then via(SagaTransition... transitions) {
            assertThat(decision.moves()).extracting(Move::transition).containsExactly(transitions);
            return this;
        }

        @SafeVarargs
        final Then sending(Class<? extends TenantryEvent>... types) {
            assertThat(events()).<Class<?>>extracting(e -> e.data().getClass()).containsExactly(types);
            return this;
        }

        /** The line recording the input itself. */
        Then noted(String kind, String detail) {
            assertThat(decision.note().kind()).isEqualTo(kind);
            assertThat(decision.note().detail()).isEqualTo(detail);
            return this;
        }

        /** The transition lines of the timeline, in order. */
        Then lines(String... details) {
            assertThat(decision.moves()).extracting(m -> m.line().detail()).containsExactly(details);
            for (Move move : decision.moves()) {
                assertThat(move.line().kind()).isEqualTo("transition");
                assertThat(move.line().to()).isEqualTo(move.after().status());
                assertThat(move.line().eventId())
                        .isEqualTo(String.join(
                                ",",
                                move.events().stream()
                                        .map(e -> e.envelope().id())
                                        .toList()));
            }
            return this;
        }

        void ignored(Ignored why, String detail) {
            assertThat(decision.ignored()).isEqualTo(why);
            assertThat(decision.moves()).isEmpty();
            assertThat(decision.tenant(before)).isSameAs(before);
            assertThat(decision.note().kind()).isEqualTo("result-ignored");
            assertThat(decision.note().from()).isEqualTo(before.status());
            assertThat(decision.note().to()).isNull();
            assertThat(decision.note().detail()).isEqualTo(detail);
        }

        Tenant after() {
            return decision.tenant(before);
        }

        List<EventEnvelope<?>> events() {
            return decision.moves().stream()
                    .flatMap(m -> m.events().stream())
                    .<EventEnvelope<?>>map(SagaDecisions.Outgoing::envelope)
                    .toList();
        }

        List<String> topics() {
            return decision.moves().stream()
                    .flatMap(m -> m.events().stream())
                    .map(SagaDecisions.Outgoing::topic)
                    .toList();
        }
    }

    // ------------------------------------------------------------------ inputs

    private int lastResult;

    private Input answering(String requestId, MigrationResult result) {
        return new SagaDecisions.Result(resultEvent(requestId, result));
    }

    private Input fromWorker(MigrationResult result) {
        return new SagaDecisions.Result(resultEvent(null, result));
    }

    private EventEnvelope<?> resultEvent(String requestId, MigrationResult result) {
        EventEnvelope<?> created = EventEnvelope.create(URI.create("urn:test:worker"), result);
        return new EventEnvelope<>(
                "result-" + ++lastResult,
                created.type(),
                created.source(),
                created.time(),
                created.subject(),
                requestId,
                requestId == null ? null : CORRELATION,
                result);
    }

    private static TenantMigrated migrated(MigrationKind kind, String from, String to) {
        return new TenantMigrated(TENANT.toString(), SCHEMA, kind, from, to, 3, 40);
    }

    private static TenantMigrationFailed migrationFailed(MigrationKind kind, String failedVersion, String current) {
        return new TenantMigrationFailed(TENANT.toString(), SCHEMA, kind, failedVersion, "SQL_ERROR", "boom", current);
    }
}
