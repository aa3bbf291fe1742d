package dev.tenantry.worker;

import dev.tenantry.testinfra.PackageCycles;
import dev.tenantry.worker.model.MigrationRun;
import org.junit.jupiter.api.Test;

class PackageStructureTests {

    @Test
    void packagesDependOnEachOtherWithoutCycles() {
        PackageCycles.assertNone(MigrationRun.class);
    }
}
