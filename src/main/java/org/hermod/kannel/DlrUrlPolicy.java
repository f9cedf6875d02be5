package org.hermod.kannel;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.hermod.config.ConfigException;

/**
 * Which hosts a Kannel {@code dlr-url} may call back ({@code hermod.kannel.dlr-allowed-hosts}): a tenant's user
 * chooses the URL, and Hermod fetches it from inside the network, so without a rule anyone allowed to send SMS
 * could make Hermod call its own management port, a database's HTTP interface or a cloud metadata address.
 *
 * <p>Empty (the default): any host whose every address is public; loopback, link-local (169.254/16, fe80::/10),
 * private (10/8, 172.16/12, 192.168/16, fc00::/7), multicast and unspecified addresses are refused. A list: only
 * a host whose name is listed (case-insensitive, as the URL names it), or whose every address lies in a listed
 * CIDR ({@code 10.1.2.0/24}, a bare address is /32 or /128). The rule is checked when sendsms takes the URL and
 * again, after DNS resolution, before every call ({@link #refusal}): a name may resolve differently later. Pure but
 * for name resolution (the JVM's resolver, whose cache the HTTP client then uses too).
 */
public final class DlrUrlPolicy {

    static final String KEY = "hermod.kannel.dlr-allowed-hosts";

    private record Cidr(byte[] network, int bits) {
        boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != network.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((b[i / 8] & mask) != (network[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** A name lookup, a seam for tests; the default is {@link InetAddress#getAllByName}. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final List<String> names;
    private final List<Cidr> cidrs;
    private final Resolver resolver;

    private DlrUrlPolicy(List<String> names, List<Cidr> cidrs, Resolver resolver) {
        this.names = names;
        this.cidrs = cidrs;
        this.resolver = resolver;
    }

    /**
     * The rule of each tenant: {@code hermod.kannel.tenant.<tenant>.dlr-allowed-hosts} when it is set, in place of
     * {@code hermod.kannel.dlr-allowed-hosts} (so one school may reach its own callback host while the others may
     * not); parsed once per tenant. {@code setting} looks a key up.
     */
    public static java.util.function.Function<String, DlrUrlPolicy> perTenant(
            java.util.function.Function<String, Optional<String>> setting) {
        DlrUrlPolicy common = parse(setting.apply(KEY).orElse(""));
        java.util.Map<String, DlrUrlPolicy> byTenant = new java.util.concurrent.ConcurrentHashMap<>();
        return tenant -> tenant == null ? common : byTenant.computeIfAbsent(tenant, t ->
                setting.apply("hermod.kannel.tenant." + t + ".dlr-allowed-hosts").map(DlrUrlPolicy::parse).orElse(common));
    }

    /** The setting's value: comma separated host names and CIDRs; empty for "any public address". */
    public static DlrUrlPolicy parse(String allowed) {
        return parse(allowed, InetAddress::getAllByName);
    }

    static DlrUrlPolicy parse(String allowed, Resolver resolver) {
        List<String> names = new ArrayList<>();
        List<Cidr> cidrs = new ArrayList<>();
        for (String raw : (allowed == null ? "" : allowed).split(",")) {
            String entry = raw.trim().toLowerCase(Locale.ROOT);
            if (entry.isEmpty()) {
                continue;
            }
            if (!looksLikeAddress(entry)) {
                names.add(entry);
                continue;
            }
            String[] parts = entry.split("/", 2);
            try {
                byte[] network = InetAddress.getByName(parts[0]).getAddress();
                int bits = parts.length == 1 ? network.length * 8 : Integer.parseInt(parts[1]);
                if (bits < 0 || bits > network.length * 8) {
                    throw new NumberFormatException();
                }
                cidrs.add(new Cidr(network, bits));
            } catch (UnknownHostException | NumberFormatException e) {
                throw new ConfigException(KEY, "'" + raw.trim() + "' is neither a host name nor an address or CIDR "
                        + "like 10.1.2.0/24 or fd00::/8");
            }
        }
        return new DlrUrlPolicy(List.copyOf(names), List.copyOf(cidrs), resolver);
    }

    /** An address or CIDR: digits, dots and a slash, or anything with a colon (IPv6). Never resolved by name. */
    private static boolean looksLikeAddress(String entry) {
        return entry.contains(":") || entry.matches("[0-9./]+");
    }

    /**
     * Why the URL may not be called, or empty if it may: the host is resolved now, and every address it resolves
     * to must be allowed (a name with one private address among public ones is refused).
     */
    public Optional<String> refusal(URI url) {
        String host = url.getHost();
        if (host == null) {
            return Optional.of("has no host");
        }
        String name = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (names.contains(name.toLowerCase(Locale.ROOT))) {
            return Optional.empty();
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(name);
        } catch (UnknownHostException e) {
            return Optional.of("host " + name + " does not resolve");
        }
        for (InetAddress a : addresses) {
            if (cidrs.isEmpty() && names.isEmpty()) {
                if (!isPublic(a)) {
                    return Optional.of("host " + name + " is not a public address (" + a.getHostAddress() + "); "
                            + "callbacks to loopback, link-local, private and multicast addresses need "
                            + KEY);
                }
            } else if (cidrs.stream().noneMatch(c -> c.contains(a))) {
                return Optional.of("host " + name + " (" + a.getHostAddress() + ") is not in " + KEY);
            }
        }
        return Optional.empty();
    }

    static boolean isPublic(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            return (b[0] & 0xfe) != 0xfc; // fc00::/7, unique local (isSiteLocalAddress knows only the old fec0::/10)
        }
        return !(a instanceof Inet4Address && (b[0] == 0 || (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64));
    }
}
