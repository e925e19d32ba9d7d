package dev.gatehouse.host.admin;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who may call the admin API, checked before any endpoint runs, in this order:
 * <ol>
 * <li>{@code Host} must name this server: {@code localhost}, {@code 127.0.0.1}, the configured listen
 * host, or the IP address the connection arrived on (any port), else 421. A page that rebinds its own
 * DNS name to 127.0.0.1 reaches us with its name in {@code Host}; an IP literal can only come from a
 * page served from that address.</li>
 * <li>A request with {@code Origin} comes from a web page (browsers add it to every cross-origin and
 * every POST request): 403.</li>
 * <li>With {@code admin.token} set, every endpoint except the probes needs it: 401.</li>
 * </ol>
 * A valid bearer token passes the first two as well: whoever holds it is the operator, whatever name
 * or page they call from.
 */
final class AccessRules {

    private static final Pattern HOST = Pattern.compile("(\\[[0-9a-f:.]+]|[^:\\[\\]]*)(:\\d{1,5})?");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Set<String> WILDCARDS = Set.of("", "0.0.0.0", "[::]", "[0:0:0:0:0:0:0:0]");

    private final Optional<byte[]> token;
    /** The configured listen host, lower case, IPv6 in brackets; empty for a wildcard, which names no one host. */
    private final String listenHost;

    AccessRules(String listenHost, Optional<String> token) {
        String h = listenHost.toLowerCase(Locale.ROOT);
        h = h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h;
        this.listenHost = WILDCARDS.contains(h) ? "" : h;
        this.token = token.map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    /** The refusal for {@code r}, or empty if it may go on; {@code open} for the probes that need no token. */
    Optional<AdminResponse> refusal(AdminRequest r, boolean open) {
        boolean authenticated = hasValidToken(r);
        String host = r.header("host");
        if (host == null) {
            return Optional.of(AdminResponse.error(400, "the request has no Host header; HTTP/1.1 requires one, e.g. 'Host: 127.0.0.1'"));
        }
        if (!authenticated && !namesThisServer(host, r.local().getAddress())) {
            return Optional.of(AdminResponse.error(421, "Host '" + shorten(host) + "' is not a name of this admin API: use "
                    + names(r.local().getAddress()) + " (any port), or send 'Authorization: Bearer <admin.token>';"
                    + " other names are refused so that a web page cannot reach the API through its own DNS name"));
        }
        String origin = r.header("origin");
        if (origin != null && !authenticated) {
            return Optional.of(AdminResponse.error(403, "request from a web page (Origin: " + shorten(origin) + ") refused:"
                    + " the admin API accepts browser requests only with 'Authorization: Bearer <admin.token>'"
                    + (token.isEmpty() ? ", and no admin.token is configured" : "") + "; call it with curl or the gatehouse CLI"));
        }
        if (!open && token.isPresent() && !authenticated) {
            return Optional.of(AdminResponse.error(401, "missing or wrong bearer token: send 'Authorization: Bearer <admin.token>'")
                    .withHeader("WWW-Authenticate", "Bearer"));
        }
        return Optional.empty();
    }

    private boolean hasValidToken(AdminRequest r) {
        String h = r.header("authorization");
        if (token.isEmpty() || h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(token.get(), h.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    }

    private boolean namesThisServer(String hostHeader, InetAddress arrivedOn) {
        Matcher m = HOST.matcher(hostHeader.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return false;
        }
        String name = m.group(1);
        if (name.equals("localhost") || name.equals("127.0.0.1") || !name.isEmpty() && name.equals(listenHost)) {
            return true;
        }
        return literal(name).map(a -> a.equals(arrivedOn)).orElse(false);
    }

    private String names(InetAddress arrivedOn) {
        String local = arrivedOn.getHostAddress().replaceAll("%.*", "");
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", local.contains(":") ? "[" + local + "]" : local));
        if (!listenHost.isEmpty()) {
            names.add(listenHost);
        }
        return String.join(", ", names);
    }

    /** The address an IP literal ({@code 10.0.0.5}, {@code [::1]}) stands for; never a DNS lookup. */
    private static Optional<InetAddress> literal(String name) {
        try {
            if (name.startsWith("[")) {
                // With brackets and a colon the JDK parses an IPv6 literal or fails; without a colon
                // ("[dead]") it would fall through to a DNS lookup.
                return name.contains(":") ? Optional.of(InetAddress.getByName(name)) : Optional.empty();
            }
            if (!IPV4.matcher(name).matches()) {
                return Optional.empty();
            }
            String[] parts = name.split("\\.");
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int v = Integer.parseInt(parts[i]);
                if (v > 255) {
                    return Optional.empty();
                }
                bytes[i] = (byte) v;
            }
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static String shorten(String s) {
        return s.length() <= 100 ? s : s.substring(0, 100) + "…";
    }
}
