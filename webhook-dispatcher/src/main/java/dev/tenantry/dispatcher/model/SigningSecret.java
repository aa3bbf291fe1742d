package dev.tenantry.dispatcher.model;

import java.time.Instant;
import java.util.UUID;

/**
 * A decrypted endpoint secret, {@code whsec_} + base64 of the key bytes.
 *
 * @param validUntil null for the current secret; for a rotated-out one, the end of its overlap window
 */
public record SigningSecret(UUID endpointId, int version, String secret, Instant createdAt, Instant validUntil) {

    @Override
    public String toString() {
        return "SigningSecret[endpointId=" + endpointId + ", version=" + version + ", validUntil=" + validUntil + "]";
    }
}
