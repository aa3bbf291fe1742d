package dev.tenantry.provisioning.service;

import java.sql.SQLTransientException;

/**
 * A migration result names a tenant the registry does not show (yet). Transient: PostgreSQL hands
 * a transaction to logical decoding (and so the relay, the worker and its answer) as soon as its
 * commit is flushed, a moment before other sessions can see it; under load that moment can outlast
 * the whole round trip. The consumer retries the result, and dead-letters it if the tenant never
 * appears, instead of dropping it.
 */
public class TenantNotVisibleException extends SQLTransientException {

    public TenantNotVisibleException(String message) {
        super(message);
    }
}
