package dev.tenantry.provisioning.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantry.provisioning.repository.TenantRepository.Cursor;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CursorTests {

    @Test
    void aCursorKeepsThePositionToTheMicrosecond() {
        Cursor cursor = new Cursor(Instant.parse("2026-11-23T10:15:30.123456Z"), UUID.randomUUID());
        assertThat(Cursor.decode(cursor.encode())).isEqualTo(cursor);
    }

    @Test
    void textThatIsNotACursorIsRefused() {
        assertThatThrownBy(() -> Cursor.decode("garbage")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cursor.decode("")).isInstanceOf(IllegalArgumentException.class);
    }
}
