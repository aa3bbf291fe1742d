package dev.tenantry.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Test;

/**
 * With an instance id, the consumer of the request channel joins its group as a static member
 * named after the instance and topic: the same name after a restart, so a restarted worker gets
 * its partitions back at once instead of after the broker expired its predecessor's session.
 */
@QuarkusTest
@TestProfile(WorkerStaticMembershipIT.NamedInstance.class)
class WorkerStaticMembershipIT {

    static final String GROUP = "static-membership-worker";

    public static class NamedInstance implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "tenantry.messaging.consumers.instance-id", "worker-a", "tenantry.worker.consumer-group", GROUP);
        }
    }

    @Test
    void theRequestConsumerJoinsAsAStaticMemberNamedAfterInstanceAndTopic() throws Exception {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                WorkerTestSupport.kafka().bootstrapServers()))) {
            await().atMost(WorkerTestSupport.TIMEOUT)
                    .until(() -> !staticMembers(admin).isEmpty());
            assertThat(staticMembers(admin)).containsExactly("worker-a-tenant-migration-requests-1");
        }
    }

    private static List<String> staticMembers(Admin admin) throws Exception {
        ConsumerGroupDescription group =
                admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP);
        return group.members().stream()
                .map(MemberDescription::groupInstanceId)
                .flatMap(Optional::stream)
                .toList();
    }
}
