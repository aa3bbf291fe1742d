package dev.tenantry.contracts;

import static dev.tenantry.contracts.SampleEvents.COMMAND_ID;
import static dev.tenantry.contracts.SampleEvents.SCHEMA;
import static dev.tenantry.contracts.SampleEvents.SLUG;
import static dev.tenantry.contracts.SampleEvents.TENANT_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantry.contracts.events.CreateTenant;
import dev.tenantry.contracts.events.DeleteTenant;
import dev.tenantry.contracts.events.TenantDeleted;
import dev.tenantry.contracts.events.TenantMigrated;
import dev.tenantry.contracts.events.TenantMigrationFailed;
import dev.tenantry.contracts.events.TenantRequestRejected;
import dev.tenantry.contracts.events.TenantRequested;
import dev.tenantry.contracts.events.TenantRolledBack;
import dev.tenantry.contracts.events.UpgradeTenant;
import dev.tenantry.contracts.tenant.InvalidEventException;
import dev.tenantry.contracts.tenant.MigrationKind;
import dev.tenantry.contracts.tenant.TenantSchema;
import dev.tenantry.contracts.tenant.TenantSlug;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventRecordValidationTests {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "ab",
                "Acme",
                "1acme",
                "_acme",
                "acme-corp",
                "acme corp",
                "acmé",
                "a23456789012345678901234567890123456789012"
            })
    void invalidSlugIsRejectedNamingTheField(String slug) {
        assertThatThrownBy(() -> new TenantRequested(TENANT_ID, slug, SCHEMA, null))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("TenantRequested.slug");
        assertThatThrownBy(() -> new TenantSlug(slug))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TenantSlug.value");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "acme_corp", "a1_", "a234567890123456789012345678901234567890"})
    void validSlugsAreAccepted(String slug) {
        assertThat(new TenantSlug(slug).value()).isEqualTo(slug);
        assertThat(TenantSlug.isValid(slug)).isTrue();
    }

    @Test
    void nullSlugIsRejected() {
        assertThatThrownBy(() -> new TenantSlug(null))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("null");
        assertThat(TenantSlug.isValid(null)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t\n"})
    void blankTenantIdIsRejectedNamingTheField(String tenantId) {
        assertThatThrownBy(() -> new DeleteTenant(COMMAND_ID, tenantId))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("DeleteTenant.tenantId")
                .satisfies(e -> assertThat(((InvalidEventException) e).field()).isEqualTo("DeleteTenant.tenantId"));
    }

    @Test
    void nullRequiredFieldsAreRejectedNamingTheField() {
        assertThatThrownBy(() -> new TenantRolledBack(null, SCHEMA, false))
                .hasMessageContaining("TenantRolledBack.tenantId");
        assertThatThrownBy(() -> new TenantMigrated(TENANT_ID, SCHEMA, null, null, "1", 1, 1))
                .hasMessageContaining("TenantMigrated.kind");
        assertThatThrownBy(() -> new TenantMigrationFailed(TENANT_ID, SCHEMA, MigrationKind.NEW, null, "E", null, null))
                .hasMessageContaining("TenantMigrationFailed.message");
        assertThatThrownBy(() -> new CreateTenant(COMMAND_ID, SLUG, null, null, null))
                .hasMessageContaining("CreateTenant.displayName");
    }

    @Test
    void negativeCountsAreRejectedNamingTheField() {
        assertThatThrownBy(() -> new TenantMigrated(TENANT_ID, SCHEMA, MigrationKind.NEW, null, "1", -1, 0))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("TenantMigrated.appliedCount");
        assertThatThrownBy(() -> new TenantMigrated(TENANT_ID, SCHEMA, MigrationKind.NEW, null, "1", 0, -5))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("TenantMigrated.durationMs");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "tenant_x\"; drop schema public; --",
                "tenant x",
                "Tenant_x",
                "1tenant",
                "tenant-x",
                "tenant_x;",
                "\"tenant_x\"",
                "public",
                "pg_catalog",
                "pg_temp_1",
                "information_schema",
                "a234567890123456789012345678901234567890123456789012345678901234"
            })
    void tenantSchemaRejectsInjectionAttemptsAndReservedNames(String name) {
        assertThatThrownBy(() -> new TenantSchema(name))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("TenantSchema.name");
        assertThatThrownBy(() -> new TenantRequested(TENANT_ID, SLUG, name, null))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("TenantRequested.schema");
        assertThat(TenantSchema.isValid(name)).isFalse();
    }

    @Test
    void rejectionMessagesEscapeControlCharacters() {
        assertThatThrownBy(() -> new TenantSchema("tenant_x\n; drop"))
                .hasMessageContaining("\\u000a")
                .hasMessageNotContaining("\n");
    }

    @Test
    void tenantSchemaIsDerivedFromTheSlugAndQuoted() {
        TenantSchema schema = TenantSchema.of(new TenantSlug("acme_corp"));
        assertThat(schema.name()).isEqualTo("tenant_acme_corp");
        assertThat(schema.quoted()).isEqualTo("\"tenant_acme_corp\"");
        assertThat(schema).hasToString("tenant_acme_corp");
        assertThat(new TenantSchema("_x").name()).isEqualTo("_x");
        assertThat(TenantSchema.of(new TenantSlug("a234567890123456789012345678901234567890"))
                        .name())
                .hasSize(47);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "latest", "v1", "1.", ".1", "1..2", "1 2"})
    void malformedVersionsAreRejected(String version) {
        assertThatThrownBy(() -> new UpgradeTenant(COMMAND_ID, TENANT_ID, version))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("UpgradeTenant.targetVersion");
    }

    @Test
    void optionalFieldsMayBeNullButNotBlank() {
        assertThat(new UpgradeTenant(COMMAND_ID, TENANT_ID, null).targetVersion())
                .isNull();
        assertThat(new UpgradeTenant(COMMAND_ID, TENANT_ID, "2_1").targetVersion())
                .isEqualTo("2_1");
        assertThatThrownBy(() -> new CreateTenant(COMMAND_ID, SLUG, "Acme", " ", null))
                .hasMessageContaining("CreateTenant.plan");
        assertThatThrownBy(() -> new TenantRequestRejected(COMMAND_ID, "CreateTenant", "", "no"))
                .hasMessageContaining("TenantRequestRejected.subject");
    }

    @Test
    void archivedSchemaMustBeAValidSchemaName() {
        assertThatThrownBy(() -> new TenantDeleted(TENANT_ID, SCHEMA, "x; drop"))
                .hasMessageContaining("TenantDeleted.archivedSchema");
    }

    @Test
    void metadataIsCopiedUnmodifiableAndNullBecomesEmpty() {
        Map<String, String> source = new HashMap<>(Map.of("k", "v"));
        CreateTenant create = new CreateTenant(COMMAND_ID, SLUG, "Acme", null, source);
        source.put("k2", "v2");

        assertThat(create.metadata()).containsExactly(Map.entry("k", "v"));
        assertThatThrownBy(() -> create.metadata().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(new CreateTenant(COMMAND_ID, SLUG, "Acme", null, null).metadata())
                .isEmpty();

        Map<String, String> withNull = new HashMap<>();
        withNull.put("k", null);
        assertThatThrownBy(() -> new CreateTenant(COMMAND_ID, SLUG, "Acme", null, withNull))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("CreateTenant.metadata");
    }

    @Test
    void migrationKindIsLowerCaseOnTheWire() {
        assertThat(MigrationKind.NEW.wireName()).isEqualTo("new");
        assertThat(MigrationKind.fromWire("UPGRADE")).isEqualTo(MigrationKind.UPGRADE);
        assertThatThrownBy(() -> MigrationKind.fromWire("rollback"))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("kind");
    }
}
