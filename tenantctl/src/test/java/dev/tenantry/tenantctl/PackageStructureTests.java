package dev.tenantry.tenantctl;

import dev.tenantry.testinfra.PackageCycles;
import org.junit.jupiter.api.Test;

class PackageStructureTests {

    @Test
    void packagesDependOnEachOtherWithoutCycles() {
        PackageCycles.assertNone(Tenantctl.class);
    }
}
