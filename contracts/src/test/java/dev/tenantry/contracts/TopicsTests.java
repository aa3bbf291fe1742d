package dev.tenantry.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopicsTests {

    @Test
    void allListsTheFourEventTopics() {
        assertThat(Topics.ALL)
                .containsExactly(
                        "tenant-commands", "tenant-migration-requests", "tenant-migration-results", "tenant-lifecycle");
        assertThatThrownBy(() -> Topics.ALL.add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void deadLetterTopicIsTopicGroupDlq() {
        String dlq = Topics.deadLetter(Topics.TENANT_MIGRATION_REQUESTS, "migration-worker");
        assertThat(dlq).isEqualTo("tenant-migration-requests.migration-worker.dlq");
        assertThat(Topics.isDeadLetter(dlq)).isTrue();
        assertThat(Topics.isDeadLetter(Topics.TENANT_LIFECYCLE)).isFalse();
        assertThat(Topics.isDeadLetter(null)).isFalse();
    }

    @Test
    void deadLetterRejectsBlankParts() {
        assertThatThrownBy(() -> Topics.deadLetter(null, "g"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("topic");
        assertThatThrownBy(() -> Topics.deadLetter("t", " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("consumerGroup");
    }
}
