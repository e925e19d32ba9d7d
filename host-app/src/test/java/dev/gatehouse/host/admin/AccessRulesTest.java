package dev.gatehouse.host.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Host, Origin and token rules for each way the API can be bound; no sockets needed. */
class AccessRulesTest {

    private static AdminRequest get(String arrivedOn, String... headerPairs) throws Exception {
        Map<String, List<String>> h = new LinkedHashMap<>();
        for (int i = 0; i < headerPairs.length; i += 2) {
            h.put(headerPairs[i], List.of(headerPairs[i + 1]));
        }
        return new AdminRequest("GET", "/status", null, h, new InetSocketAddress(InetAddress.getByName(arrivedOn), 8686));
    }

    private static int status(AccessRules rules, AdminRequest r) {
        return rules.refusal(r, false).map(AdminResponse::status).orElse(200);
    }

    @Test
    void onIpv6LoopbackItsLiteralIsAcceptedAndOnIpv4LoopbackItIsNot() throws Exception {
        AccessRules v6 = new AccessRules("::1", Optional.empty());
        assertThat(status(v6, get("::1", "host", "[::1]:8686"))).isEqualTo(200);
        assertThat(status(v6, get("::1", "host", "[0:0:0:0:0:0:0:1]"))).isEqualTo(200);
        assertThat(status(v6, get("::1", "host", "localhost:8686"))).isEqualTo(200);
        AccessRules v4 = new AccessRules("127.0.0.1", Optional.empty());
        assertThat(status(v4, get("127.0.0.1", "host", "[::1]:8686"))).isEqualTo(421);
        assertThat(status(v4, get("127.0.0.1", "host", "127.0.0.2"))).isEqualTo(421);
    }

    @Test
    void onAWildcardTheAddressTheRequestArrivedOnIsAcceptedAsALiteralOnly() throws Exception {
        AccessRules any = new AccessRules("0.0.0.0", Optional.of("t0ken-value"));
        // a kubelet probe: Host is the pod IP it connected to
        assertThat(any.refusal(get("10.1.2.3", "host", "10.1.2.3:8686"), true)).isEmpty();
        assertThat(any.refusal(get("10.1.2.3", "host", "10.9.9.9:8686"), true).orElseThrow().status()).isEqualTo(421);
        assertThat(any.refusal(get("10.1.2.3", "host", "0.0.0.0:8686"), true).orElseThrow().status()).isEqualTo(421);
        AdminResponse named = any.refusal(get("10.1.2.3", "host", "gatehouse.svc:8686"), true).orElseThrow();
        assertThat(named.status()).isEqualTo(421);
        assertThat(new String(named.body(), StandardCharsets.UTF_8)).contains("localhost, 127.0.0.1, 10.1.2.3 (any port)")
                .doesNotContain("0.0.0.0");
        assertThat(any.refusal(get("10.1.2.3", "host", "gatehouse.svc", "authorization", "Bearer t0ken-value"), false))
                .as("a valid token passes whatever the name").isEmpty();
    }

    @Test
    void theConfiguredListenNameIsAccepted() throws Exception {
        AccessRules named = new AccessRules("Admin.Internal", Optional.empty());
        assertThat(status(named, get("10.1.2.3", "host", "admin.internal:8686"))).isEqualTo(200);
        assertThat(status(named, get("10.1.2.3", "host", "admin.internal.evil.example"))).isEqualTo(421);
    }

    @Test
    void malformedOrOutOfRangeHostsAreRefusedWithoutALookup() throws Exception {
        AccessRules v4 = new AccessRules("127.0.0.1", Optional.empty());
        for (String host : new String[] {"", ":8686", "127.0.0.1:8686:1", "999.0.0.1", "[dead]", "[::1", "127.0.0.1 evil"}) {
            assertThat(status(v4, get("127.0.0.1", "host", host))).as("'%s'", host).isEqualTo(421);
        }
    }

    @Test
    void aTokenIsComparedExactlyAndOnlyItLiftsTheOriginRule() throws Exception {
        AccessRules rules = new AccessRules("127.0.0.1", Optional.of("t0ken-value"));
        assertThat(status(rules, get("127.0.0.1", "host", "localhost", "authorization", "bearer t0ken-value"))).isEqualTo(200);
        assertThat(status(rules, get("127.0.0.1", "host", "localhost", "authorization", "Bearer t0ken-valu"))).isEqualTo(401);
        assertThat(status(rules, get("127.0.0.1", "host", "localhost", "authorization", "Basic t0ken-value"))).isEqualTo(401);
        assertThat(status(rules, get("127.0.0.1", "host", "localhost", "origin", "https://a.example",
                "authorization", "Bearer nope"))).isEqualTo(403);
        AdminResponse unauthorized = rules.refusal(get("127.0.0.1", "host", "localhost"), false).orElseThrow();
        assertThat(unauthorized.headers()).containsEntry("WWW-Authenticate", "Bearer");
        assertThat(rules.refusal(get("127.0.0.1", "host", "localhost"), true)).as("probes are open").isEmpty();
    }
}
