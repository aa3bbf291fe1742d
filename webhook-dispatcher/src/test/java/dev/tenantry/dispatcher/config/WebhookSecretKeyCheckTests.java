package dev.tenantry.dispatcher.config;

import static dev.tenantry.dispatcher.config.WebhookSecretKeyCheck.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WebhookSecretKeyCheckTests {

    private static final String OWN_KEY = Base64.getEncoder().encodeToString(new byte[] {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
        31, 32
    });

    @Test
    void outsideDevelopmentAMissingOrBlankKeyIsRefused() {
        assertThat(refusal(Optional.empty(), false))
                .get()
                .asString()
                .contains("no key to encrypt webhook endpoint secrets")
                .contains("TENANTRY_WEBHOOK_SECRET_KEY");
        assertThat(refusal(Optional.of("  "), false)).get().asString().contains("no key");
    }

    @Test
    void outsideDevelopmentThePublishedDevelopmentKeyIsRefused() {
        assertThat(refusal(Optional.of(WebhookSecretKeyCheck.DEVELOPMENT_KEY), false))
                .get()
                .asString()
                .contains("is the development key");
        assertThat(refusal(Optional.of(" " + WebhookSecretKeyCheck.DEVELOPMENT_KEY + "\n"), false))
                .isPresent();
    }

    @Test
    void aKeyThatIsNotBase64OfThirtyTwoBytesIsRefusedEverywhere() {
        assertThat(refusal(Optional.of("not base64!"), true)).get().asString().contains("not valid base64");
        assertThat(refusal(Optional.of(Base64.getEncoder().encodeToString(new byte[16])), true))
                .get()
                .asString()
                .contains("16 bytes, not 32");
    }

    @Test
    void aKeyOfItsOwnIsAcceptedAndTheDevelopmentKeyOnlyInDevelopment() {
        assertThat(refusal(Optional.of(OWN_KEY), false)).isEmpty();
        assertThat(refusal(Optional.of(WebhookSecretKeyCheck.DEVELOPMENT_KEY), true))
                .isEmpty();
    }

    @Test
    void theDevelopmentKeyIsTheOneTheDevAndTestProfilesDefaultTo() throws Exception {
        try (var in = getClass().getClassLoader().getResourceAsStream("application.properties")) {
            String properties = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(properties)
                    .contains("%dev,test.tenantry.dispatcher.secret-encryption-key=" + "${TENANTRY_WEBHOOK_SECRET_KEY:"
                            + WebhookSecretKeyCheck.DEVELOPMENT_KEY + "}");
        }
    }
}
