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
        for (InetAddress address : addresses) {
            Optional<String> category = blockedCategory(address);
            if (category.isPresent() && allowed.stream().noneMatch(range -> range.contains(address))) {
                throw new UrlRefusedException("host " + host + " resolves to " + category.get() + " address "
                        + address.getHostAddress() + ", which webhooks may not call");
            }
        }
        return List.of(addresses);
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
