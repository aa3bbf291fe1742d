package dev.tenantry.dispatcher.service;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Keeps webhooks from being pointed at the dispatcher's own network (server-side request
 * forgery): a URL whose host resolves to a loopback, private, shared (CGNAT), link-local (cloud
 * metadata at 169.254.169.254 included), multicast, reserved, unique-local or unspecified address
 * is refused, unless an allowed CIDR range covers that address. Every resolved address must pass,
 * so a name with one public and one internal address is refused too. Checked at registration and
 * again before every request (DNS answers change).
 */
public final class SsrfGuard {

    /** Name to addresses; {@link InetAddress#getAllByName} outside tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** The URL may not be called; the message says why, without secrets. */
    public static final class UrlRefusedException extends Exception {
        public UrlRefusedException(String message) {
            super(message);
        }
    }

    private static final int MAX_URL_LENGTH = 2048;
    private static final Cidr SHARED_ADDRESS_SPACE = Cidr.parse("100.64.0.0/10");
    private static final Cidr THIS_NETWORK = Cidr.parse("0.0.0.0/8");
    private static final Cidr RESERVED_V4 = Cidr.parse("240.0.0.0/4");
    /** IETF protocol assignments and the benchmarking range: never a subscriber's public host. */
    private static final Cidr PROTOCOL_ASSIGNMENTS = Cidr.parse("192.0.0.0/24");

    private static final Cidr BENCHMARKING = Cidr.parse("198.18.0.0/15");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");
    /** Teredo hides its IPv4 client address (XORed); such an address cannot be judged, so it is refused. */
    private static final Cidr TEREDO = Cidr.parse("2001::/32");

    private static final Cidr UNIQUE_LOCAL = Cidr.parse("fc00::/7");
    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    /**
     * Local-use NAT64 (RFC 8215): the operator chooses where the IPv4 address sits, so the address
     * it reaches cannot be judged; refused like Teredo.
     */
    private static final Cidr LOCAL_NAT64 = Cidr.parse("64:ff9b:1::/48");

    private static final Logger LOG = Logger.getLogger(SsrfGuard.class);

    private final boolean allowHttp;
    private final List<Cidr> allowed;
    private final Resolver resolver;

    public SsrfGuard(boolean allowHttp, List<Cidr> allowed, Resolver resolver) {
        this.allowHttp = allowHttp;
        this.allowed = List.copyOf(allowed);
        this.resolver = resolver;
    }

    /** A URL that passed, with the addresses it was checked against: connect to these, not to a new lookup. */
    public record Target(URI uri, List<InetAddress> addresses) {
        public Target {
            addresses = List.copyOf(addresses);
        }
    }

    /** Syntax, scheme and every resolved address of {@code url}. */
    public URI check(String url) throws UrlRefusedException {
        return resolve(url).uri();
    }

    /**
     * Like {@link #check}, and returns the addresses that passed. A caller that connects to one of
     * them (rather than resolving the name again) calls exactly what was checked, whatever DNS
     * answers a moment later.
     */
    public Target resolve(String url) throws UrlRefusedException {
        URI uri = parse(url);
        return new Target(uri, checkAddresses(uri.getHost()));
    }

    /** Syntax and scheme only (no DNS). */
    public URI parse(String url) throws UrlRefusedException {
        if (url == null || url.isBlank()) {
            throw new UrlRefusedException("URL is required");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw new UrlRefusedException("URL is longer than " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new UrlRefusedException("not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new UrlRefusedException("only https URLs are accepted");
        }
        if (scheme.equals("http") && !allowHttp) {
            throw new UrlRefusedException("plain http is not allowed; use https");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new UrlRefusedException("URL has no valid host");
        }
        if (isAmbiguousAddressForm(uri.getHost())) {
            throw new UrlRefusedException("host " + uri.getHost() + " is an IP address in a form that resolvers read "
                    + "differently; write IPv4 addresses as four decimal numbers without leading zeros (a.b.c.d)");
        }
        if (uri.getRawUserInfo() != null) {
            throw new UrlRefusedException("credentials in the URL are not accepted");
        }
        if (uri.getRawFragment() != null) {
            throw new UrlRefusedException("a URL fragment is never sent; remove it");
        }
        return uri;
    }

    /** @return every address {@code host} resolves to, all of them allowed */
    public List<InetAddress> checkAddresses(String host) throws UrlRefusedException {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(bare);
        } catch (UnknownHostException e) {
            throw new UrlRefusedException("host " + host + " does not resolve");
        }
        if (addresses == null || addresses.length == 0) {
            throw new UrlRefusedException("host " + host + " does not resolve");
        }
        boolean literal = isAddressLiteral(bare);
        for (InetAddress address : addresses) {
            Optional<String> category = blockedCategory(address);
            if (category.isPresent() && allowed.stream().noneMatch(range -> range.contains(address))) {
                // The caller may be a tenant-admin: what a name resolves to inside our network is not
                // theirs to learn, so a name gets no address and no category. A literal address only
                // hears back what it already says.
                LOG.debugf("host %s refused: %s address %s", host, category.get(), address.getHostAddress());
                throw new UrlRefusedException(
                        literal
                                ? "host " + host + " is " + category.get() + " address, which webhooks may not call"
                                : "host " + host + " resolves to an address which webhooks may not call");
            }
        }
        return List.of(addresses);
    }

    /**
     * An IPv4 address written in any form other than four decimal numbers without leading zeros
     * (octal {@code 0177.0.0.1}, hex {@code 0x7f.1}, short {@code 127.1}, a single integer
     * {@code 2130706433}): Java and the C library read such forms as different addresses, so what is
     * checked here might not be what a proxy or another client would call. A host whose last label is
     * numeric is read as an address by URL parsers, so such a host must be exactly a.b.c.d. The
     * dotted tail of an IPv6 literal follows the same rule.
     */
    static boolean isAmbiguousAddressForm(String host) {
        if (host.startsWith("[")) {
            String bare = host.endsWith("]") ? host.substring(1, host.length() - 1) : host.substring(1);
            int dot = bare.indexOf('.');
            if (dot < 0) {
                return false;
            }
            String dotted = bare.substring(bare.lastIndexOf(':') + 1);
            return !isCanonicalIpv4(dotted);
        }
        String[] labels = host.split("\\.", -1);
        String last = labels[labels.length - 1];
        if (last.isEmpty() && labels.length > 1) {
            last = labels[labels.length - 2];
        }
        boolean numericLastLabel = !last.isEmpty()
                && (last.chars().allMatch(Character::isDigit)
                        || last.toLowerCase(Locale.ROOT).matches("0x[0-9a-f]*"));
        return numericLastLabel && !isCanonicalIpv4(host);
    }

    private static boolean isCanonicalIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (!part.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAddressLiteral(String bareHost) {
        return bareHost.contains(":") || isCanonicalIpv4(bareHost);
    }

    /** Why an address is internal, or empty when it is a public address. */
    public static Optional<String> blockedCategory(InetAddress address) {
        if (address.isAnyLocalAddress() || THIS_NETWORK.contains(address)) {
            return Optional.of("an unspecified");
        }
        if (address.isLoopbackAddress()) {
            return Optional.of("a loopback");
        }
        if (address.isLinkLocalAddress()) {
            return Optional.of("a link-local");
        }
        if (address.isSiteLocalAddress() || SHARED_ADDRESS_SPACE.contains(address)) {
            return Optional.of("a private");
        }
        if (address.isMulticastAddress()) {
            return Optional.of("a multicast");
        }
        if (RESERVED_V4.contains(address) || PROTOCOL_ASSIGNMENTS.contains(address) || BENCHMARKING.contains(address)) {
            return Optional.of("a reserved");
        }
        if (TEREDO.contains(address)) {
            return Optional.of("a tunnelled (Teredo)");
        }
        if (LOCAL_NAT64.contains(address)) {
            return Optional.of("a translated (local-use NAT64)");
        }
        if (UNIQUE_LOCAL.contains(address)) {
            return Optional.of("a unique-local");
        }
        if (address instanceof Inet6Address v6) {
            Optional<Inet4Address> embedded = embeddedIpv4(v6);
            if (embedded.isPresent()) {
                return blockedCategory(embedded.get());
            }
        }
        return Optional.empty();
    }

    /** IPv4 carried inside IPv6 (mapped, compatible, NAT64, 6to4), which reaches the same IPv4 host. */
    private static Optional<Inet4Address> embeddedIpv4(Inet6Address address) {
        byte[] b = address.getAddress();
        if (SIX_TO_FOUR.contains(address)) {
            return ipv4(b[2], b[3], b[4], b[5]);
        }
        boolean firstTenZero = true;
        for (int i = 0; i < 10; i++) {
            firstTenZero &= b[i] == 0;
        }
        boolean mapped = firstTenZero && (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
        boolean compatible = firstTenZero && b[10] == 0 && b[11] == 0;
        if (!mapped && !compatible && !NAT64.contains(address)) {
            return Optional.empty();
        }
        return ipv4(b[12], b[13], b[14], b[15]);
    }

    private static Optional<Inet4Address> ipv4(byte b0, byte b1, byte b2, byte b3) {
        try {
            return Optional.of((Inet4Address) InetAddress.getByAddress(new byte[] {b0, b1, b2, b3}));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
