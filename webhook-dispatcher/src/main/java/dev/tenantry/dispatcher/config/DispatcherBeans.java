package dev.tenantry.dispatcher.config;

import dev.tenantry.dispatcher.service.Cidr;
import dev.tenantry.dispatcher.service.RetrySchedule;
import dev.tenantry.dispatcher.service.SecretCipher;
import dev.tenantry.dispatcher.service.SsrfGuard;
import io.quarkus.runtime.LaunchMode;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.util.List;
import org.jboss.logging.Logger;

/** The configured building blocks that are plain classes (easy to unit test), made beans here. */
public class DispatcherBeans {

    private static final Logger LOG = Logger.getLogger(DispatcherBeans.class);

    /** Published in application.properties for local use; anything real must set its own key. */
    static final String DEVELOPMENT_KEY = "61X4XxWi9l82V3xoH9sAX6SkX0d2BJJTFjrf6U6CjHY=";

    @Produces
    @Singleton
    SecretCipher secretCipher(DispatcherConfig config) {
        if (DEVELOPMENT_KEY.equals(config.secretEncryptionKey().trim()) && LaunchMode.current() == LaunchMode.NORMAL) {
            LOG.warn("Webhook secrets are encrypted with the published development key; "
                    + "set TENANTRY_WEBHOOK_SECRET_KEY (base64 of 32 random bytes) outside local use");
        }
        return new SecretCipher(config.secretEncryptionKey());
    }

    @Produces
    @Singleton
    SsrfGuard ssrfGuard(DispatcherConfig config) {
        List<Cidr> allowed = config.ssrf().allowedCidrs().orElse(List.of()).stream()
                .filter(text -> !text.isBlank()).map(Cidr::parse).toList();
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
