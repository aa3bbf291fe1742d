package dev.tenantry.dispatcher;

import static dev.tenantry.dispatcher.DispatcherTestSupport.TIMEOUT;
import static dev.tenantry.dispatcher.DispatcherTestSupport.admin;
import static dev.tenantry.dispatcher.DispatcherTestSupport.attemptErrors;
import static dev.tenantry.dispatcher.DispatcherTestSupport.deliveryStatus;
import static dev.tenantry.dispatcher.DispatcherTestSupport.insertEndpointUnchecked;
import static dev.tenantry.dispatcher.DispatcherTestSupport.publish;
import static dev.tenantry.dispatcher.DispatcherTestSupport.registrationRefused;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import dev.tenantry.contracts.EventEnvelope;
import dev.tenantry.contracts.events.TenantActivated;
import dev.tenantry.dispatcher.DispatcherTestSupport.TestTenant;
import dev.tenantry.dispatcher.service.SecretCipher;
import dev.tenantry.testinfra.TenantryTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With plain http allowed but no allow-list, loopback and metadata URLs are still refused, for
 * their address: the scheme is not what stops them.
 */
@QuarkusTest
@TestProfile(HttpWithoutAllowListProfile.class)
@WithTestResource(TenantryTestResource.class)
class SsrfGuardHttpAllowedIT {

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
    void httpUrlsOfLoopbackAndTheMetadataAddressAreRefusedForTheirAddress() {
        Map<String, String> refused = Map.of(
                receiver.url("/hook"),
                "loopback",
                "http://169.254.169.254/latest/meta-data/",
                "link-local",
                "http://[::1]/hook",
                "loopback",
                "http://10.20.30.40/hook",
                "private");
        refused.forEach((url, why) -> registrationRefused(url)
                .body("detail", containsString(why))
                .body("detail", not(containsString("https"))));
        // The control: http itself is accepted here (a public address, never called).
        given().header("Authorization", admin())
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "url",
                        "http://93.184.215.14/hook",
                        "tenantIds",
                        List.of(UUID.randomUUID().toString())))
                .when()
                .post("/webhook-endpoints")
                .then()
                .statusCode(201);
    }

    @Test
    void anHttpEndpointOnLoopbackIsNotCalledAtSendTime() throws Exception {
        // As if its name had resolved to a public address at registration and to loopback now.
        TestTenant tenant = TestTenant.fresh("rebind-http");
        UUID endpoint = insertEndpointUnchecked(receiver.url("/rebound-http"), tenant.tenantId(), cipher);
        EventEnvelope<TenantActivated> event = tenant.activated();

        publish(event);

        await().atMost(TIMEOUT).until(() -> "failed".equals(deliveryStatus(event.id(), endpoint.toString())));
        assertThat(attemptErrors(event.id()))
                .singleElement()
                .asString()
                .contains("URL refused")
                .contains("loopback");
        assertThat(receiver.count("/rebound-http")).isZero();
    }
}
