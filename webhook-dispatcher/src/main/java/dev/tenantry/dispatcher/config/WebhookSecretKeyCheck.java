package dev.tenantry.dispatcher.config;

import dev.tenantry.support.security.DevelopmentMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.util.Base64;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Refuses to start the dispatcher outside the dev and test profiles unless endpoint secrets are
 * encrypted with a key of the deployment's own. The development key is published in this
 * repository: a database dump of a deployment that kept it would give away every endpoint's
 * signing secret, so anyone could forge webhooks its subscribers trust. Like the token-key check,
 * it runs before anything else observes start-up, logs one line saying what to do, and aborts.
 */
@ApplicationScoped
public class WebhookSecretKeyCheck {

    /** The key application.properties gives the dev and test profiles; published, so never trusted elsewhere. */
    public static final String DEVELOPMENT_KEY = "61X4XxWi9l82V3xoH9sAX6SkX0d2BJJTFjrf6U6CjHY=";

    static final int KEY_BYTES = 32;
    private static final String ADVICE = " Set TENANTRY_WEBHOOK_SECRET_KEY to the base64 of 32 random bytes "
            + "(e.g. head -c 32 /dev/urandom | base64) and keep it: stored endpoint secrets can only be read with "
            + "the key that encrypted them.";
    private static final Logger LOG = Logger.getLogger(WebhookSecretKeyCheck.class);

    private final DispatcherConfig config;

    public WebhookSecretKeyCheck(DispatcherConfig config) {
        this.config = config;
    }

    void check(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE - 1) StartupEvent start) {
        Optional<String> refusal = refusal(config.secretEncryptionKey(), DevelopmentMode.trustsPublishedKeys());
        if (refusal.isPresent()) {
            LOG.error(refusal.get());
            throw new WebhookSecretKeyRefused();
        }
    }

    /**
     * Why the configured key may not encrypt endpoint secrets, or empty when it may.
     *
     * @param key                  {@code tenantry.dispatcher.secret-encryption-key}, when set
     * @param trustsPublishedKeys  whether a dev or test profile is active
     */
    static Optional<String> refusal(Optional<String> key, boolean trustsPublishedKeys) {
        Optional<String> given = key.map(String::strip).filter(k -> !k.isEmpty());
        if (given.isEmpty()) {
            return Optional.of("Not starting: no key to encrypt webhook endpoint secrets is configured." + ADVICE);
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(given.get());
        } catch (IllegalArgumentException e) {
            return Optional.of("Not starting: TENANTRY_WEBHOOK_SECRET_KEY is not valid base64." + ADVICE);
        }
        if (raw.length != KEY_BYTES) {
            return Optional.of("Not starting: TENANTRY_WEBHOOK_SECRET_KEY holds " + raw.length + " bytes, not "
                    + KEY_BYTES + "." + ADVICE);
        }
        if (!trustsPublishedKeys && DEVELOPMENT_KEY.equals(given.get())) {
            return Optional.of("Not starting: TENANTRY_WEBHOOK_SECRET_KEY is the development key, which is published "
                    + "in the Tenantry repository: anyone holding a copy of the database could read every endpoint "
                    + "secret and forge webhooks." + ADVICE);
        }
        return Optional.empty();
    }

    /** Start-up aborted: endpoint secrets would be encrypted with a public key, or with none. */
    public static class WebhookSecretKeyRefused extends RuntimeException {
        WebhookSecretKeyRefused() {
            // The reason is in the log line above.
            super("webhook secret encryption key refused");
        }
    }
}
