package dev.tenantry.tenantctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tenantry.tenantctl.command.DriftReports;
import dev.tenantry.tenantctl.output.Times;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimesAndDriftTests {

    @Test
    void sinceAcceptsTimestampsAndAges() {
        Instant now = Instant.parse("2026-03-01T12:00:00Z");
        assertThat(Times.since("2h", now)).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
        assertThat(Times.since("7d", now)).isEqualTo(Instant.parse("2026-02-22T12:00:00Z"));
        assertThat(Times.since("2026-01-31T12:00:00+01:00", now)).isEqualTo(Instant.parse("2026-01-31T11:00:00Z"));
        assertThatThrownBy(() -> Times.since("last week", now)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Times.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Times.duration("PT3M")).isEqualTo(Duration.ofMinutes(3));
    }

    @Test
    void aTenantFilterKeepsOnlyThatTenantsEntriesMatchedByIdSlugOrSchema() throws Exception {
        ObjectNode report = (ObjectNode) new ObjectMapper().readTree("""
                {"latest":"3","totalTenants":3,"upToDate":1,
                 "behind":[{"tenant":"t-1","schema":"tenant_acme","current":"2","latest":"3","pending":["3"]},
                           {"tenant":"t-2","schema":"tenant_globex","current":null,"latest":"3","pending":["1","2","3"]}],
                 "ahead":[],"failed":[],"missingSchema":[{"tenant":"t-3","schema":"tenant_gone"}],"deep":null}
                """);
        assertThat(DriftReports.hasDrift(report)).isTrue();
        assertThat(DriftReports.onlyTenant(report, "acme").get("behind")).hasSize(1);
        assertThat(DriftReports.onlyTenant(report, "t-2")
                        .get("behind")
                        .get(0)
                        .get("schema")
                        .asText())
                .isEqualTo("tenant_globex");
        assertThat(DriftReports.onlyTenant(report, "tenant_gone").get("missingSchema"))
                .hasSize(1);
        ObjectNode clean = DriftReports.onlyTenant(report, "initech");
        assertThat(DriftReports.hasDrift(clean)).isFalse();
        assertThat(clean.get("tenantFilter").asText()).isEqualTo("initech");
    }
}
