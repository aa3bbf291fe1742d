package dev.tenantry.dispatcher.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SecretCipherTests {

    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String OTHER_KEY =
            Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

    @Test
    void aSecretComesBackAsItWentInAndIsNotStoredInClear() {
        SecretCipher cipher = new SecretCipher(KEY);
        UUID endpoint = UUID.randomUUID();
        String secret = WebhookSigner.newSecret();

        byte[] stored = cipher.encrypt(endpoint, 1, secret);

        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(secret.substring(6));
        assertThat(cipher.decrypt(endpoint, 1, stored)).isEqualTo(secret);
        assertThat(cipher.encrypt(endpoint, 1, secret)).isNotEqualTo(stored);
    }

    @Test
    void aCiphertextMovedToAnotherEndpointOrVersionOrReadWithAnotherKeyDoesNotDecrypt() {
        SecretCipher cipher = new SecretCipher(KEY);
        UUID endpoint = UUID.randomUUID();
        byte[] stored = cipher.encrypt(endpoint, 1, WebhookSigner.newSecret());

        assertThatThrownBy(() -> cipher.decrypt(UUID.randomUUID(), 1, stored))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cipher.decrypt(endpoint, 2, stored)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new SecretCipher(OTHER_KEY).decrypt(endpoint, 1, stored))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("secret-encryption-key");
    }

    @Test
    void aKeyThatIsNot32BytesOfBase64IsRefusedAtStart() {
        assertThatThrownBy(() -> new SecretCipher(Base64.getEncoder().encodeToString(new byte[16])))
                .hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> new SecretCipher("not base64 !")).hasMessageContaining("base64");
    }
}
