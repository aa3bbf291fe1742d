package dev.tenantry.provisioning.service;

import dev.tenantry.provisioning.model.Tenant;
import dev.tenantry.support.rest.ProblemException;

/** A request the tenant's current status does not allow (e.g. upgrading a tenant being deleted): 409. */
public class IllegalTransitionException extends ProblemException {

    public IllegalTransitionException(Tenant tenant, SagaTransition transition) {
        super(
                409,
                "invalid-tenant-state",
                "Tenant state does not allow this",
                "Tenant " + tenant.id() + " is " + tenant.status() + "; " + transition + " needs one of "
                        + transition.from());
    }
}
