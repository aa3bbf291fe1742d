package dev.tenantry.dispatcher;

import dev.tenantry.dispatcher.model.Delivery;
import dev.tenantry.testinfra.PackageCycles;
import org.junit.jupiter.api.Test;

class PackageStructureTests {

    @Test
    void packagesDependOnEachOtherWithoutCycles() {
        PackageCycles.assertNone(Delivery.class);
    }
}
