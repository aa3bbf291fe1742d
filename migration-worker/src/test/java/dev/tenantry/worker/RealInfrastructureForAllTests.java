package dev.tenantry.worker;

import dev.tenantry.testinfra.TenantryTestResource;
import io.quarkus.test.common.QuarkusTestResource;

/**
 * Gives every @QuarkusTest of this module the real PostgreSQL and Kafka of this JVM. Declared once,
 * globally: attaching the resource per class with @WithTestResource broke class loading as soon as
 * test classes with different @TestProfile ran in the same JVM.
 */
@QuarkusTestResource(TenantryTestResource.class)
public class RealInfrastructureForAllTests {}
