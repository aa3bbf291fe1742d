package dev.tenantry.support.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.testinfra.TestTokens;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtKeyCheckTests {

    @TempDir
    Path dir;

    @Test
    void noKeyAtAllIsRefused() {
        assertThat(JwtKeyCheck.refusal(Optional.empty(), Optional.empty()))
                .get()
                .asString()
                .startsWith("Not starting: no JWT verification key is configured")
                .contains("TENANTRY_JWT_PUBLIC_KEY");
    }

    @Test
    void theBundledDefaultMeansNoKeyWasConfiguredAndIsRefused() {
        for (String location : new String[] {
            "tenantry-dev-keys/public.pem", "classpath:tenantry-dev-keys/public.pem", "/tenantry-dev-keys/public.pem"
        }) {
            assertThat(JwtKeyCheck.refusal(Optional.empty(), Optional.of(location)))
                    .get()
                    .asString()
                    .contains("TENANTRY_JWT_PUBLIC_KEY is not set");
        }
    }

    @Test
    void aCopyOfTheDevelopmentKeyIsRefusedInEveryFormItCanBeGiven() throws Exception {
        String pem = developmentKeyPem();
        Path copy = Files.writeString(dir.resolve("issuer.pem"), pem);
        assertThat(JwtKeyCheck.refusal(Optional.empty(), Optional.of(copy.toString())))
                .get()
                .asString()
                .contains("is the development key");
        assertThat(JwtKeyCheck.refusal(Optional.empty(), Optional.of("file:" + copy)))
                .isPresent();
        assertThat(JwtKeyCheck.refusal(Optional.of(pem), Optional.empty())).isPresent();
        String bareBase64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        assertThat(JwtKeyCheck.refusal(Optional.of(bareBase64), Optional.empty()))
                .isPresent();
        Path jwks = Files.writeString(
                dir.resolve("keys.json"),
                "{\"keys\": [{\"kty\": \"RSA\", \"e\": \"AQAB\", \"n\": \"" + base64Url(modulus(pem)) + "\"}]}");
        assertThat(JwtKeyCheck.refusal(Optional.empty(), Optional.of(jwks.toString())))
                .isPresent();
    }

    @Test
    void aKeyOfTheDeploymentsOwnIsAccepted() {
        Path own = dir.resolve("own.pem");
        TestTokens.freshKeyPair(own);
        assertThat(JwtKeyCheck.refusal(Optional.empty(), Optional.of(own.toString())))
                .isEmpty();
        assertThat(JwtKeyCheck.refusal(Optional.empty(), Optional.of("https://issuer.example.com/keys")))
                .isEmpty();
    }

    @Test
    void aKeyThatCannotBeReadIsRefused() {
        assertThat(JwtKeyCheck.refusal(
                        Optional.empty(), Optional.of(dir.resolve("missing.pem").toString())))
                .get()
                .asString()
                .contains("cannot be read");
    }

    private static String developmentKeyPem() throws IOException {
        try (InputStream in =
                JwtKeyCheckTests.class.getClassLoader().getResourceAsStream(JwtKeyCheck.DEVELOPMENT_KEY)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static BigInteger modulus(String pem) throws Exception {
        byte[] der = Base64.getDecoder()
                .decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
        return ((RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der))).getModulus();
    }

    private static String base64Url(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
