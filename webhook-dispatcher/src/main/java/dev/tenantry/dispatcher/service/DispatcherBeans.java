package dev.tenantry.dispatcher.service;

import dev.tenantry.dispatcher.config.DispatcherConfig;
import dev.tenantry.dispatcher.config.WebhookSecretKeyCheck;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The configured building blocks that are plain classes (easy to unit test), made beans here,
 * beside them: configuration stays a leaf that the services read, never the other way round.
 */
public class DispatcherBeans {

    private static final Logger LOG = Logger.getLogger(DispatcherBeans.class);

    /** The key is present and usable: {@link WebhookSecretKeyCheck} stopped start-up otherwise. */
    @Produces
    @Singleton
    SecretCipher secretCipher(DispatcherConfig config) {
        return new SecretCipher(config.secretEncryptionKey()
                .orElseThrow(() -> new IllegalStateException("tenantry.dispatcher.secret-encryption-key is not set")));
    }

    @Produces
    @Singleton
    SsrfGuard ssrfGuard(DispatcherConfig config) {
        List<Cidr> allowed = config.ssrf().allowedCidrs().orElse(List.of()).stream()
                .filter(text -> !text.isBlank())
                .map(Cidr::parse)
                .toList();
        if (!allowed.isEmpty()) {
            LOG.infof("Webhook URLs may reach these otherwise refused ranges: %s", allowed);
        }
        return new SsrfGuard(config.allowHttp(), allowed, InetAddress::getAllByName);
    }

    @Produces
    @Singleton
    RetrySchedule retrySchedule(DispatcherConfig config) {
        DispatcherConfig.Delivery delivery = config.delivery();
        return new RetrySchedule(delivery.retrySchedule(), delivery.jitter(), delivery.maxRetryAfter());
    }
}
