package dev.tenantry.faults;

import dev.tenantry.testinfra.PackageCycles;
import org.junit.jupiter.api.Test;

class PackageStructureTests {

    @Test
    void packagesDependOnEachOtherWithoutCycles() {
        PackageCycles.assertNone(EventInvariants.class);
    }
}
