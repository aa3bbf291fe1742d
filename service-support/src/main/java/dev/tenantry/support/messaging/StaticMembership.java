package dev.tenantry.support.messaging;

import dev.tenantry.support.config.MessagingConfig;
import dev.tenantry.support.deadletter.DeadLetterSources;
import io.smallrye.reactive.messaging.ClientCustomizer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * Static group membership for the connector's consumers: with
 * {@code tenantry.messaging.consumers.instance-id} set, each consumer of a channel joins its group
 * as {@code <instance-id>-<topic>-<n>}, n being its number (from 1) among the channel's
 * {@code concurrency} copies. A process restarted after a crash then takes its consumers' places in the group at
 * once, instead of waiting, partitions unassigned, until the broker expires the dead members'
 * sessions (45 s by default; a worker crashing more often than that never consumed again).
 * Only the service's own channels (those dead-lettering through {@link DeadLetterStrategy}) get it.
 * The connector has no setting that derives a distinct member id per copy, hence this customizer.
 */
@ApplicationScoped
public class StaticMembership implements ClientCustomizer<Map<String, Object>> {

    private final Optional<String> instanceId;

    public StaticMembership(MessagingConfig config) {
        this.instanceId = config.consumers().instanceId().filter(id -> !id.isBlank());
    }

    @Override
    public Map<String, Object> customize(String channel, Config channelConfig, Map<String, Object> config) {
        Object group = config.get("group.id");
        boolean tenantryChannel = channelConfig
                .getOptionalValue("failure-strategy", String.class)
                .filter(DeadLetterSources.CONNECTOR_STRATEGY::equals)
                .isPresent();
        if (instanceId.isEmpty() || group == null || !tenantryChannel || config.containsKey("group.instance.id")) {
            return config; // a producer, a channel of some other kind, or membership set for this channel
        }
        String topic = channelConfig.getOptionalValue("topic", String.class).orElse(channel);
        Map<String, Object> customized = new HashMap<>(config);
        customized.put("group.instance.id", instanceId.get() + "-" + topic + "-" + copyIndex(channel));
        return customized;
    }

    /** The connector names the copies of a channel {@code <channel>$1}, {@code <channel>$2}...; a single one has no number. */
    private static String copyIndex(String channel) {
        int dollar = channel.lastIndexOf('$');
        return dollar < 0 ? "1" : channel.substring(dollar + 1);
    }
}
