package dev.tenantry.worker.service;

import dev.tenantry.contracts.tenant.TenantSchema;
import dev.tenantry.worker.model.DriftReport;
import dev.tenantry.worker.model.DriftReport.Behind;
import dev.tenantry.worker.model.DriftReport.CatalogDrift;
import dev.tenantry.worker.model.DriftReport.Failed;
import dev.tenantry.worker.model.DriftReport.Missing;
import dev.tenantry.worker.model.DriftReport.Pinned;
import dev.tenantry.worker.repository.KnownVersionRepository;
import dev.tenantry.worker.repository.SchemaCatalogRepository;
import dev.tenantry.worker.repository.SchemaOwnerRepository;
import dev.tenantry.worker.repository.TenantSchemaRepository;
import dev.tenantry.worker.repository.TenantVersionRepository;
import dev.tenantry.worker.repository.TenantVersionRepository.LastRun;
import dev.tenantry.worker.repository.TenantVersionRepository.SchemaEntry;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.api.MigrationVersion;
import org.jboss.logging.Logger;

/**
 * Drift detection: which tenant schemas are behind the latest migration, which failed, which are
 * gone, and (deep) which differ from a freshly migrated reference schema even though their
 * version numbers say otherwise.
 */
@ApplicationScoped
public class DriftService {

    private static final Logger LOG = Logger.getLogger(DriftService.class);

    /** Built from scratch for each deep verify; no tenant can be called this (slugs start with a letter). */
    static final TenantSchema REFERENCE = new TenantSchema("tenantry_reference");

    private final AgroalDataSource dataSource;
    private final TenantMigrator migrator;
    private final TenantVersionRepository versions;
    private final TenantSchemaRepository schemas;
    private final SchemaOwnerRepository owners;
    private final KnownVersionRepository knownVersions;
    private final AtomicInteger tenantsBehind = new AtomicInteger();
    private final AtomicInteger tenantsPinned = new AtomicInteger();

    public DriftService(
            AgroalDataSource dataSource,
            TenantMigrator migrator,
            TenantVersionRepository versions,
            TenantSchemaRepository schemas,
            SchemaOwnerRepository owners,
            KnownVersionRepository knownVersions,
            MeterRegistry registry) {
        this.dataSource = dataSource;
        this.migrator = migrator;
        this.versions = versions;
        this.schemas = schemas;
        this.owners = owners;
        this.knownVersions = knownVersions;
        Gauge.builder("tenantry.tenants.behind", tenantsBehind, AtomicInteger::get)
                .description("Tenant schemas below the latest migration at the last verify (pinned ones excluded)")
                .register(registry);
        Gauge.builder("tenantry.tenants.pinned", tenantsPinned, AtomicInteger::get)
                .description("Tenant schemas held below the latest migration by an upgrade to a target version")
                .register(registry);
    }

    /** Tells the provisioning service which versions exist as soon as the worker runs. */
    void onStart(@Observes StartupEvent start) {
        try {
            recordKnownVersions(migrator.versions());
        } catch (SQLException | RuntimeException e) {
            LOG.warnf(
                    "Could not record the known tenant migration versions (the next drift check will): %s",
                    e.getMessage());
        }
    }

    private void recordKnownVersions(List<String> known) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            knownVersions.record(connection, known);
        }
    }

    public DriftReport verify(boolean deep) throws SQLException {
        long start = System.nanoTime();
        List<String> allVersions = migrator.versions();
        String latest = allVersions.isEmpty() ? null : allVersions.get(allVersions.size() - 1);
        String history = migrator.historyTable();

        List<Behind> behind = new ArrayList<>();
        List<Behind> ahead = new ArrayList<>();
        List<Pinned> pinned = new ArrayList<>();
        List<Failed> failed = new ArrayList<>();
        List<Missing> missing = new ArrayList<>();
        int upToDate = 0;
        List<SchemaEntry> entries;
        Map<String, LastRun> lastRuns = new HashMap<>();
        Map<String, String> pins;
        Map<String, String> ownerOf;
        try (Connection connection = dataSource.getConnection()) {
            knownVersions.record(connection, allVersions);
            pins = owners.pins(connection);
            ownerOf = owners.owners(connection);
            entries = versions.tenantSchemas(connection, history);
            versions.lastRuns(connection).forEach(run -> lastRuns.put(run.schema(), run));
            // Deep verify trusts nothing: it reads every history table itself.
            List<String> unindexed = entries.stream()
                    .filter(SchemaEntry::hasHistory)
                    .filter(e -> deep || !e.tracked())
                    .map(SchemaEntry::schema)
                    .toList();
            Map<String, String> current = new HashMap<>(versions.currentVersions(connection, unindexed, history));
            entries.stream()
                    .filter(e -> e.hasHistory() && e.tracked() && !deep)
                    .forEach(e -> current.put(e.schema(), e.indexedVersion()));
            for (SchemaEntry entry : entries) {
                String version = current.get(entry.schema());
                String tenant = ownerOf.containsKey(entry.schema())
                        ? ownerOf.get(entry.schema())
                        : tenantOf(entry.schema(), lastRuns);
                String pin = pins.get(entry.schema());
                if (Objects.equals(version, latest)) {
                    upToDate++;
                } else if (isNewer(version, latest)) {
                    ahead.add(new Behind(tenant, entry.schema(), version, latest, List.of()));
                } else if (pin != null) {
                    pinned.add(new Pinned(tenant, entry.schema(), version, pin, latest));
                } else {
                    behind.add(new Behind(tenant, entry.schema(), version, latest, pendingAfter(version, allVersions)));
                }
                LastRun last = lastRuns.get(entry.schema());
                if (last != null && !last.succeeded() && isMigration(last)) {
                    failed.add(new Failed(
                            last.tenantId(),
                            entry.schema(),
                            last.failedVersion(),
                            last.errorCode(),
                            last.errorMessage()));
                }
            }
        }
        Set<String> present = new HashSet<>();
        entries.forEach(e -> present.add(e.schema()));
        for (LastRun run : lastRuns.values()) {
            if (isMigration(run) && run.succeeded() && !present.contains(run.schema())) {
                missing.add(new Missing(run.tenantId(), run.schema()));
            }
        }
        List<CatalogDrift> catalogDrift = deep ? compareWithReference(present) : null;
        tenantsBehind.set(behind.size());
        tenantsPinned.set(pinned.size());
        return new DriftReport(
                Instant.now(),
                latest,
                entries.size() + missing.size(),
                upToDate,
                behind,
                ahead,
                pinned,
                failed,
                missing,
                catalogDrift,
                (System.nanoTime() - start) / 1_000_000);
    }

    private List<CatalogDrift> compareWithReference(Set<String> tenantSchemas) throws SQLException {
        try (SchemaLock lock = SchemaLock.acquire(dataSource, REFERENCE)) {
            try (Connection connection = dataSource.getConnection()) {
                schemas.drop(connection, REFERENCE);
                schemas.create(connection, REFERENCE);
            }
            migrator.migrate(REFERENCE, null);
            List<String> names = new ArrayList<>(tenantSchemas);
            names.add(REFERENCE.name());
            Map<String, Set<String>> described;
            try (Connection connection = dataSource.getConnection()) {
                described = SchemaCatalogRepository.describe(connection, names, migrator.historyTable());
                schemas.drop(connection, REFERENCE);
            }
            Set<String> reference = described.remove(REFERENCE.name());
            List<CatalogDrift> drift = new ArrayList<>();
            described.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
                Set<String> missing = new TreeSet<>(reference);
                missing.removeAll(e.getValue());
                Set<String> unexpected = new TreeSet<>(e.getValue());
                unexpected.removeAll(reference);
                if (!missing.isEmpty() || !unexpected.isEmpty()) {
                    drift.add(new CatalogDrift(e.getKey(), List.copyOf(missing), List.copyOf(unexpected)));
                }
            });
            return drift;
        }
    }

    private static List<String> pendingAfter(String current, List<String> allVersions) {
        if (current == null) {
            return allVersions;
        }
        MigrationVersion at = MigrationVersion.fromVersion(current);
        return allVersions.stream()
                .filter(v -> MigrationVersion.fromVersion(v).isNewerThan(at))
                .toList();
    }

    private static boolean isNewer(String version, String latest) {
        return version != null
                && (latest == null
                        || MigrationVersion.fromVersion(version).isNewerThan(MigrationVersion.fromVersion(latest)));
    }

    private static boolean isMigration(LastRun run) {
        return "new".equals(run.kind()) || "upgrade".equals(run.kind());
    }

    private static String tenantOf(String schema, Map<String, LastRun> lastRuns) {
        LastRun run = lastRuns.get(schema);
        return run != null ? run.tenantId() : schema.substring("tenant_".length());
    }
}
