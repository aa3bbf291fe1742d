package dev.tenantry.dispatcher.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantry.dispatcher.StandardWebhooksVerifier;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookSignerTests {

    @Test
    void matchesTheExampleOfTheStandardWebhooksSpecification() {
        byte[] key = WebhookSigner.keyBytes("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

        String signature = WebhookSigner.sign(
                key,
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330L,
                "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8));

        assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void newSecretsAreWhsecPrefixedBase64Of32RandomBytes() {
        String first = WebhookSigner.newSecret();
        String second = WebhookSigner.newSecret();

        assertThat(first).startsWith("whsec_").isNotEqualTo(second);
        assertThat(WebhookSigner.keyBytes(first)).hasSize(32);
    }

    @Test
    void withTwoSecretsTheHeaderCarriesTwoSignaturesAndEachSecretVerifies() {
        String current = WebhookSigner.newSecret();
        String previous = WebhookSigner.newSecret();
        byte[] body = "{\"id\":\"e1\"}".getBytes(StandardCharsets.UTF_8);
        long now = Instant.now().getEpochSecond();

        String header = WebhookSigner.signatureHeader(
                List.of(WebhookSigner.keyBytes(current), WebhookSigner.keyBytes(previous)), "e1", now, body);

        assertThat(StandardWebhooksVerifier.signatures(header)).hasSize(2);
        assertThat(new StandardWebhooksVerifier(current).verify("e1", Long.toString(now), header, body))
                .isTrue();
        assertThat(new StandardWebhooksVerifier(previous).verify("e1", Long.toString(now), header, body))
                .isTrue();
        assertThat(new StandardWebhooksVerifier(WebhookSigner.newSecret())
                        .verify("e1", Long.toString(now), header, body))
                .isFalse();
    }

    @Test
    void aSecretWithoutThePrefixIsRefused() {
        assertThatThrownBy(() -> WebhookSigner.keyBytes("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
