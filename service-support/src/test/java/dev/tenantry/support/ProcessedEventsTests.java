package dev.tenantry.support;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantry.support.persistence.ProcessedEvents;
import org.junit.jupiter.api.Test;

class ProcessedEventsTests {

    @Test
    void tableNamesThatCouldInjectSqlAreRefused() {
        assertThatThrownBy(() -> new ProcessedEvents("x; DROP TABLE tenant"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ProcessedEvents("\"quoted\"")).isInstanceOf(IllegalArgumentException.class);
        assertThatCode(() -> new ProcessedEvents("worker_processed_event")).doesNotThrowAnyException();
    }
}
