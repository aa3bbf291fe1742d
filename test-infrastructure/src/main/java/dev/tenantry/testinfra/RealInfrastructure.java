package dev.tenantry.testinfra;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test runs against real PostgreSQL and Kafka: {@link Infrastructure} parameters are
 * resolved with {@link TenantryInfrastructure#get()}.
 *
 * <pre>
 * &#64;RealInfrastructure
 * class OutboxIT {
 *     &#64;Test
 *     void relays(Infrastructure infra) { ... }
 * }
 * </pre>
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(TenantryInfrastructureExtension.class)
public @interface RealInfrastructure {}
