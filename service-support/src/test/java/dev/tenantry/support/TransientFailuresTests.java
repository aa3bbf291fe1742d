package dev.tenantry.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.support.messaging.EventPublisher;
import dev.tenantry.support.persistence.TransientFailures;
import java.net.ConnectException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class TransientFailuresTests {

    @Test
    void connectionAndConcurrencyFailuresAreTransient() {
        assertThat(TransientFailures.isTransient(new SQLException("gone", "08006")))
                .isTrue();
        assertThat(TransientFailures.isTransient(new SQLException("refused", "08001")))
                .isTrue();
        assertThat(TransientFailures.isTransient(new SQLException("serialization", "40001")))
                .isTrue();
        assertThat(TransientFailures.isTransient(new SQLException("deadlock", "40P01")))
                .isTrue();
        assertThat(TransientFailures.isTransient(new SQLException("lock timeout", "55P03")))
                .isTrue();
        assertThat(TransientFailures.isTransient(new SQLException("statement timeout", "57014")))
                .isTrue();
        assertThat(TransientFailures.isTransient(new SQLException("shutting down", "57P01")))
                .isTrue();
        assertThat(TransientFailures.isTransient(new ConnectException("Connection refused")))
                .isTrue();
        assertThat(TransientFailures.isTransient(new SQLException("Sorry, acquisition timeout!")))
                .isTrue();
    }

    @Test
    void kafkaTimeoutsExpiredBatchesAndAnUnreachableBrokerAreTransient() {
        assertThat(TransientFailures.isTransient(new EventPublisher.PublishFailedException(
                        "no acknowledgement from Kafka within PT30S", new java.util.concurrent.TimeoutException())))
                .isTrue();
        assertThat(TransientFailures.isTransient(new EventPublisher.PublishFailedException(
                        "Kafka refused the record",
                        new org.apache.kafka.common.errors.TimeoutException(
                                "Expiring 1 record(s): 30001 ms has passed since " + "batch creation"))))
                .isTrue();
        assertThat(TransientFailures.isTransient(new org.apache.kafka.common.errors.TimeoutException(
                        "Topic tenant-migration-results not present in metadata after 30000 ms.")))
                .isTrue();
        assertThat(TransientFailures.isTransient(new org.apache.kafka.common.errors.NetworkException("gone")))
                .isTrue();
        assertThat(TransientFailures.isTransient(new org.apache.kafka.common.errors.NotEnoughReplicasException("isr")))
                .isTrue();
    }

    @Test
    void aRecordKafkaRefusesForGoodIsPermanent() {
        assertThat(TransientFailures.isTransient(new EventPublisher.PublishFailedException(
                        "Kafka refused the record",
                        new org.apache.kafka.common.errors.RecordTooLargeException("too large"))))
                .isFalse();
    }

    @Test
    void aTransientCauseDeepInsideAWrapperIsFound() {
        RuntimeException wrapped = new RuntimeException(
                "Flyway failed", new IllegalStateException("migration", new SQLException("terminated", "57P01")));
        assertThat(TransientFailures.isTransient(wrapped)).isTrue();
    }

    @Test
    void sqlErrorsAndBadInputArePermanent() {
        assertThat(TransientFailures.isTransient(new SQLException("syntax error", "42601")))
                .isFalse();
        assertThat(TransientFailures.isTransient(new SQLException("no such table", "42P01")))
                .isFalse();
        assertThat(TransientFailures.isTransient(new SQLException("duplicate key", "23505")))
                .isFalse();
        assertThat(TransientFailures.isTransient(new IllegalArgumentException("bad slug")))
                .isFalse();
        assertThat(TransientFailures.isTransient(null)).isFalse();
    }
}
