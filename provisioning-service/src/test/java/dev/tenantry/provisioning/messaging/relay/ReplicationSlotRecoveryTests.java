package dev.tenantry.provisioning.messaging.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ReplicationSlotRecoveryTests {

    @Test
    void theStoredPositionIsTheLsnOfDebeziumsOffset() {
        byte[] offset = "{\"lsn_proc\":26403480,\"lsn_commit\":26403480,\"lsn\":26403480,\"txId\":751,\"ts_usec\":1}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(ReplicationSlotRecovery.lsn(offset)).isEqualTo(OptionalLong.of(26403480L));
    }

    @Test
    void anOffsetWithoutAnLsnHasNoStoredPosition() {
        assertThat(ReplicationSlotRecovery.lsn(null)).isEmpty();
        assertThat(ReplicationSlotRecovery.lsn("{}".getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
        assertThat(ReplicationSlotRecovery.lsn("not json".getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
    }
}
