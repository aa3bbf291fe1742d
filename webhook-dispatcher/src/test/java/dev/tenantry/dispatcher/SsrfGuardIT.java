package dev.tenantry.dispatcher;

import static dev.tenantry.dispatcher.DispatcherTestSupport.TIMEOUT;
import static dev.tenantry.dispatcher.DispatcherTestSupport.attemptErrors;
import static dev.tenantry.dispatcher.DispatcherTestSupport.deliveryStatus;
import static dev.tenantry.dispatcher.DispatcherTestSupport.insertEndpointUnchecked;
import static dev.tenantry.dispatcher.DispatcherTestSupport.publish;
import static dev.tenantry.dispatcher.DispatcherTestSupport.registrationRefused;
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
import jakarta.inject.Inject;
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
                "https://127.0.0.1:" + port + "/hook",
                "loopback",
                "https://169.254.169.254/latest/meta-data/",
                "link-local",
                "https://10.20.30.40/hook",
                "private",
                "https://[::1]/hook",
                "loopback",
                "http://127.0.0.1:" + port + "/hook",
                "https",
                "http://169.254.169.254/latest/meta-data/",
                "https");
        refused.forEach((url, why) -> registrationRefused(url).body("detail", containsString(why)));
    }

    @Test
    void aRefusalNamesTheHostGivenButNotTheInternalAddressItResolvesTo() {
        int port = Integer.parseInt(receiver.url("").replaceAll(".*:", ""));
        registrationRefused("https://localhost:" + port + "/hook")
                .body("detail", containsString("host localhost resolves to an address which webhooks may not call"))
                .body("detail", not(containsString("127.0.0.1")))
                .body("detail", not(containsString("loopback")))
                .body("errors[0].message", not(containsString("127.0.0.1")));
    }

    @Test
    void addressFormsThatResolversReadDifferentlyAreRefused() {
        // Java reads 0177.0.0.1 as the public 177.0.0.1; the C library (and curl) as 127.0.0.1.
        registrationRefused("https://0177.0.0.1/hook").body("detail", containsString("read differently"));
        registrationRefused("https://2130706433/hook").body("detail", containsString("read differently"));
        registrationRefused("https://[64:ff9b:1::7f00:1]/hook").body("detail", containsString("may not call"));
    }

    @Test
    void anEndpointWhoseAddressBecameInternalAfterRegistrationIsNotCalled() throws Exception {
        // As if its name had resolved to a public address at registration and to loopback now.
        TestTenant tenant = TestTenant.fresh("rebind");
        UUID endpoint = insertEndpointUnchecked(
                receiver.url("/rebound").replace("http://", "https://"), tenant.tenantId(), cipher);
        EventEnvelope<TenantActivated> event = tenant.activated();

        publish(event);

        await().atMost(TIMEOUT).until(() -> "failed".equals(deliveryStatus(event.id(), endpoint.toString())));
        assertThat(attemptErrors(event.id()))
                .singleElement()
                .asString()
                .contains("URL refused")
                .contains("loopback");
        assertThat(receiver.count("/rebound")).isZero();
    }
}
