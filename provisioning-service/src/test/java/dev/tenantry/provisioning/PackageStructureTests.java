package dev.tenantry.provisioning;

import dev.tenantry.provisioning.model.Tenant;
import dev.tenantry.testinfra.PackageCycles;
import org.junit.jupiter.api.Test;

class PackageStructureTests {

    @Test
    void packagesDependOnEachOtherWithoutCycles() {
        PackageCycles.assertNone(Tenant.class);
    }
}
