package dev.tenantry.dispatcher;

import static dev.tenantry.dispatcher.DispatcherTestSupport.TIMEOUT;
import static dev.tenantry.dispatcher.DispatcherTestSupport.admin;
import static dev.tenantry.dispatcher.DispatcherTestSupport.deliveryStatus;
import static dev.tenantry.dispatcher.DispatcherTestSupport.publish;
import static dev.tenantry.dispatcher.DispatcherTestSupport.strings;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.TenantActivated;
import dev.tenantry.dispatcher.DispatcherTestSupport.TestTenant;
import dev.tenantry.dispatcher.service.SecretCipher;
import dev.tenantry.dispatcher.service.WebhookSigner;
import dev.tenantry.testinfra.TenantryTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With no allow-list for loopback (the production default), internal URLs are refused at registration and at send time. */
@QuarkusTest
@TestProfile(NoAllowListProfile.class)
@WithTestResource(TenantryTestResource.class)
class SsrfGuardIT {

    private static WebhookReceiver receiver;

    @Inject
    SecretCipher cipher;

    @BeforeAll
    static void startReceiver() {
        receiver = new WebhookReceiver();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.close();
    }

    @Test
    void registeringLoopbackMetadataOrPrivateAddressesIsRefused() {
        int port = Integer.parseInt(receiver.url("").replaceAll(".*:", ""));
        Map<String, String> refused = Map.of(
                "https://127.0.0.1:" + port + "/hook", "loopback",
                "https://169.254.169.254/latest/meta-data/", "link-local",
                "https://10.20.30.40/hook", "private",
                "https://[::1]/hook", "loopback",
                "http://127.0.0.1:" + port + "/hook", "https",
                "http://169.254.169.254/latest/meta-data/", "https");
        refused.forEach((url, why) -> given().header("Authorization", admin()).contentType(ContentType.JSON)
                .body(Map.of("url", url, "tenantIds", List.of(UUID.randomUUID().toString())))
                .when().post("/webhook-endpoints")
                .then().statusCode(422).contentType("application/problem+json")
                .body("errors[0].field", equalTo("url"))
                .body("detail", containsString(why)));
    }

    @Test
    void anEndpointWhoseAddressBecameInternalAfterRegistrationIsNotCalled() throws Exception {
        // As if its name had resolved to a public address at registration and to loopback now.
        TestTenant tenant = TestTenant.fresh("rebind");
        UUID endpoint = UUID.randomUUID();
        try (Connection c = DispatcherTestSupport.infra().dataSource().getConnection();
             PreparedStatement insertEndpoint = c.prepareStatement(
                     "INSERT INTO webhook_endpoint (id, url, tenant_ids) VALUES (?, ?, ARRAY[?])");
             PreparedStatement insertSecret = c.prepareStatement(
                     "INSERT INTO webhook_secret (endpoint_id, version, ciphertext) VALUES (?, 1, ?)")) {
            insertEndpoint.setObject(1, endpoint);
            insertEndpoint.setString(2, receiver.url("/rebound").replace("http://", "https://"));
            insertEndpoint.setString(3, tenant.tenantId());
            insertEndpoint.executeUpdate();
            insertSecret.setObject(1, endpoint);
            insertSecret.setBytes(2, cipher.encrypt(endpoint, 1, WebhookSigner.newSecret()));
            insertSecret.executeUpdate();
        }
        EventEnvelope<TenantActivated> event = tenant.activated();

        publish(event);

        await().atMost(TIMEOUT).until(() -> "failed".equals(deliveryStatus(event.id(), endpoint.toString())));
        assertThat(strings("""
                SELECT a.error FROM webhook_attempt a JOIN webhook_delivery d ON d.id = a.delivery_id
                 WHERE d.event_id = ?""", event.id())).singleElement().asString()
                .contains("URL refused").contains("loopback");
        assertThat(receiver.count("/rebound")).isZero();
    }
}
