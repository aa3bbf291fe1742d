package dev.tenantry.dispatcher.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantry.dispatcher.service.SsrfGuard.UrlRefusedException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SsrfGuardTests {

    /** Names resolve from this table only: no real DNS in unit tests. */
    private static final Map<String, List<String>> DNS = Map.of(
            "hooks.example.com", List.of("93.184.216.34"),
            "split.example.com", List.of("93.184.216.34", "10.1.2.3"),
            "rebound.example.com", List.of("169.254.169.254"),
            "localhost", List.of("127.0.0.1", "::1"));

    private static InetAddress[] resolve(String host) throws UnknownHostException {
        if (host.matches("[0-9.]+") || host.contains(":")) {
            return new InetAddress[] {InetAddress.getByName(host)};
        }
        List<String> addresses = DNS.get(host);
        if (addresses == null) {
            throw new UnknownHostException(host);
        }
        InetAddress[] result = new InetAddress[addresses.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = InetAddress.getByName(addresses.get(i));
        }
        return result;
    }

    private final SsrfGuard strict = new SsrfGuard(false, List.of(), SsrfGuardTests::resolve);

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://127.0.0.1/hook",
                "https://127.1.2.3:8443/hook",
                "https://localhost/hook",
                "https://[::1]/hook",
                "https://169.254.169.254/latest/meta-data",
                "https://rebound.example.com/hook",
                "https://10.0.0.5/hook",
                "https://172.16.9.1/hook",
                "https://192.168.1.1/hook",
                "https://100.64.0.1/hook",
                "https://0.0.0.0/hook",
                "https://[::]/hook",
                "https://224.0.0.1/hook",
                "https://255.255.255.255/hook",
                "https://[fe80::1]/hook",
                "https://[fc00::1]/hook",
                "https://[fd12:3456::1]/hook",
                "https://[::ffff:127.0.0.1]/hook",
                "https://[::ffff:a9fe:a9fe]/hook",
                "https://[64:ff9b::a00:1]/hook",
                "https://[2002:7f00:1::1]/hook",
                "https://[2002:a9fe:a9fe::]/hook",
                "https://[2001:0:4136:e378::1]/hook",
                "https://192.0.0.8/hook",
                "https://198.18.0.1/hook",
                "https://198.19.255.254/hook",
                "https://[64:ff9b:1::a00:1]/hook",
                "https://[64:ff9b:1:ffff::5db8:d822]/hook",
                "https://split.example.com/hook"
            })
    void internalAddressesAreRefusedWithoutAnAllowList(String url) {
        assertThatThrownBy(() -> strict.check(url))
                .isInstanceOf(UrlRefusedException.class)
                .hasMessageContaining("webhooks may not call");
    }

    @Test
    void aPublicHttpsUrlIsAccepted() {
        assertThatCode(() -> strict.check("https://hooks.example.com/tenantry?x=1"))
                .doesNotThrowAnyException();
        assertThatCode(() -> strict.check("https://93.184.216.34:8443/hook")).doesNotThrowAnyException();
        // 6to4 of a public address, and neighbours of the refused ranges, are public.
        assertThatCode(() -> strict.check("https://[2002:5db8:d822::1]/hook")).doesNotThrowAnyException();
        assertThatCode(() -> strict.check("https://198.20.0.1/hook")).doesNotThrowAnyException();
        assertThatCode(() -> strict.check("https://192.0.1.1/hook")).doesNotThrowAnyException();
    }

    @Test
    void aRefusedNameDoesNotRevealWhatItResolvesTo() {
        assertThatThrownBy(() -> strict.check("https://rebound.example.com/hook"))
                .hasMessage("host rebound.example.com resolves to an address which webhooks may not call");
        assertThatThrownBy(() -> strict.check("https://split.example.com/hook"))
                .hasMessageNotContaining("10.1.2.3")
                .hasMessageNotContaining("private");
        // A literal address hears back only what it already says.
        assertThatThrownBy(() -> strict.check("https://10.0.0.5/hook"))
                .hasMessage("host 10.0.0.5 is a private address, which webhooks may not call");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                // Java reads 0177 as decimal 177 (a public address), the C library as octal 127.
                "https://0177.0.0.1/hook",
                "https://010.0.0.1/hook",
                "https://127.0.0.01/hook",
                "https://2130706433/hook",
                "https://0x7f000001/hook",
                "https://0x7f.1/hook",
                "https://127.1/hook",
                "https://1.2.3.4.5/hook",
                "https://93.184.216.034/hook",
                "https://[::ffff:0177.0.0.1]/hook"
            })
    void addressFormsThatResolversReadDifferentlyAreRefused(String url) {
        assertThatThrownBy(() -> strict.check(url))
                .isInstanceOf(UrlRefusedException.class)
                .hasMessageNotContaining("177.0.0.1/");
    }

    @Test
    void anOctalLookingHostIsRefusedBecauseOfItsFormNotItsAddress() {
        assertThatThrownBy(() -> strict.check("https://0177.0.0.1/hook"))
                .hasMessageContaining("a form that resolvers read differently");
        assertThat(SsrfGuard.isAmbiguousAddressForm("93.184.216.34")).isFalse();
        assertThat(SsrfGuard.isAmbiguousAddressForm("[::ffff:93.184.216.34]")).isFalse();
        assertThat(SsrfGuard.isAmbiguousAddressForm("[2001:db8::1]")).isFalse();
        assertThat(SsrfGuard.isAmbiguousAddressForm("hooks.example.com")).isFalse();
        assertThat(SsrfGuard.isAmbiguousAddressForm("123.example.com")).isFalse();
        assertThat(SsrfGuard.isAmbiguousAddressForm("0177.0.0.1")).isTrue();
        assertThat(SsrfGuard.isAmbiguousAddressForm("2130706433")).isTrue();
    }

    @Test
    void plainHttpIsRefusedUnlessAllowed() {
        assertThatThrownBy(() -> strict.check("http://hooks.example.com/hook")).hasMessageContaining("https");
        SsrfGuard lenient = new SsrfGuard(true, List.of(), SsrfGuardTests::resolve);
        assertThatCode(() -> lenient.check("http://hooks.example.com/hook")).doesNotThrowAnyException();
        assertThatThrownBy(() -> lenient.check("http://127.0.0.1:8080/hook")).hasMessageContaining("loopback");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "not a url",
                "ftp://hooks.example.com/x",
                "file:///etc/passwd",
                "https://user:pass@hooks.example.com/x",
                "https://hooks.example.com/x#frag",
                "/relative/path",
                "https://nowhere.invalid/hook"
            })
    void malformedUnsupportedOrUnresolvableUrlsAreRefused(String url) {
        assertThatThrownBy(() -> strict.check(url)).isInstanceOf(UrlRefusedException.class);
    }

    @Test
    void anAllowListOpensOnlyItsOwnRanges() {
        SsrfGuard local = new SsrfGuard(true, List.of(Cidr.parse("127.0.0.0/8")), SsrfGuardTests::resolve);

        assertThatCode(() -> local.check("http://127.0.0.1:8080/hook")).doesNotThrowAnyException();
        // localhost also resolves to ::1, which the list does not cover.
        assertThatThrownBy(() -> local.check("http://localhost:8080/hook")).hasMessageContaining("may not call");
        assertThatThrownBy(() -> local.check("http://169.254.169.254/")).hasMessageContaining("link-local");
        assertThatThrownBy(() -> local.check("http://10.0.0.1/")).hasMessageContaining("private");
    }

    @Test
    void cidrRangesMatchByPrefix() {
        assertThat(Cidr.parse("10.0.0.0/8").contains(address("10.255.1.1"))).isTrue();
        assertThat(Cidr.parse("10.0.0.0/8").contains(address("11.0.0.1"))).isFalse();
        assertThat(Cidr.parse("fd00::/8").contains(address("fd12::1"))).isTrue();
        assertThat(Cidr.parse("fd00::/8").contains(address("10.0.0.1"))).isFalse();
        assertThat(Cidr.parse("192.0.2.7").contains(address("192.0.2.7"))).isTrue();
        assertThatThrownBy(() -> Cidr.parse("example.com/8")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
