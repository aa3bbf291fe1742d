package dev.tenantry.testinfra;

import org.junit.jupiter.api.Test;

class PackageStructureTests {

    @Test
    void packagesDependOnEachOtherWithoutCycles() {
        PackageCycles.assertNone(PackageCycles.class);
    }
}
