package dev.tenantry.support.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PageCursorTests {

    @Test
    void aCursorKeepsThePositionToTheMicrosecond() {
        PageCursor cursor = new PageCursor(Instant.parse("2026-11-23T10:15:30.123456Z"), UUID.randomUUID());
        assertThat(PageCursor.decode(cursor.encode())).isEqualTo(cursor);
    }

    @Test
    void textThatIsNotACursorIsRefused() {
        assertThatThrownBy(() -> PageCursor.decode("garbage")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PageCursor.decode("")).isInstanceOf(IllegalArgumentException.class);
    }
}
