package dev.tenantry.testinfra;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves {@link Infrastructure} parameters of test constructors, test methods and lifecycle
 * methods with the JVM-wide {@link TenantryInfrastructure#get()}. Usually applied through
 * {@link RealInfrastructure}.
 */
public class TenantryInfrastructureExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == Infrastructure.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        try {
            return TenantryInfrastructure.get();
        } catch (RuntimeException e) {
            throw new ParameterResolutionException("test infrastructure not available: " + e.getMessage(), e);
        }
    }
}
