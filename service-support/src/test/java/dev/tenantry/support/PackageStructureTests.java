package dev.tenantry.support;

import dev.tenantry.support.rest.Problem;
import dev.tenantry.testinfra.PackageCycles;
import org.junit.jupiter.api.Test;

class PackageStructureTests {

    @Test
    void packagesDependOnEachOtherWithoutCycles() {
        PackageCycles.assertNone(Problem.class);
    }
}
