package dev.gatehouse.host.admin;

import static dev.gatehouse.host.admin.RawHttp.exchange;
import static dev.gatehouse.host.admin.RawHttp.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.host.admin.RawHttp.Reply;
import dev.gatehouse.host.status.ConnectionState;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may call an admin API that has no token: processes on the machine (curl, the CLI, a probe), not
 * web pages. A browser marks its requests with {@code Origin}; a DNS-rebinding page reaches 127.0.0.1
 * under its own name, which arrives as {@code Host}.
 */
class AdminAccessTest {

    @TempDir
    Path dir;
    private AdminFixture f;
    private String self;

    @BeforeEach
    void start() throws Exception {
        f = new AdminFixture(dir, "  listen: 127.0.0.1:0\n", Map.of());
        self = "Host: 127.0.0.1:" + f.port();
    }

    @AfterEach
    void stop() throws Exception {
        f.close();
    }

    @Test
    void aCrossOriginPostIsRefusedAndChangesNothing() throws Exception {
        Reply r = exchange(f.port(), request("POST", "/connections/acme/loopback/disable", self,
                "Origin: https://evil.example", "Content-Length: 0"));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.headers().get("content-type")).startsWith("application/json");
        assertThat(r.error()).contains("Origin").contains("https://evil.example").contains("Authorization: Bearer");
        assertThat(f.conn("acme").state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(f.server.latest("acme").closed).isFalse();

        Reply reload = exchange(f.port(), request("POST", "/plugins/loopback-gateway/reload", self, "Origin: null",
                "Content-Length: 0"));
        assertThat(reload.status()).as("a sandboxed page sends Origin: null").isEqualTo(403);
        assertThat(f.conn("acme").epoch()).isEqualTo(1);
    }

    @Test
    void aPageCannotReadTheStatusEither() throws Exception {
        Reply r = exchange(f.port(), request("GET", "/status", self, "Origin: http://localhost:3000"));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body()).doesNotContain("acme");
    }

    @Test
    void aForeignHostIsRefusedOnEveryEndpoint() throws Exception {
        for (String path : new String[] {"/status", "/livez", "/readyz", "/metrics"}) {
            Reply r = exchange(f.port(), request("GET", path, "Host: rebind.evil.example:" + f.port()));
            assertThat(r.status()).as(path).isEqualTo(421);
            assertThat(r.error()).as(path).contains("Host 'rebind.evil.example:" + f.port() + "'").contains("127.0.0.1");
            assertThat(r.body()).as(path).doesNotContain("acme");
        }
        Reply post = exchange(f.port(), request("POST", "/connections/acme/loopback/disable", "Host: rebind.evil.example",
                "Content-Length: 0"));
        assertThat(post.status()).isEqualTo(421);
        assertThat(f.conn("acme").state()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void localNamesOnAnyPortAreServed() throws Exception {
        for (String host : new String[] {self, "Host: localhost:" + f.port(), "Host: LocalHost", "Host: 127.0.0.1",
            "Host: 127.0.0.1:1"}) {
            Reply r = exchange(f.port(), request("GET", "/status", host));
            assertThat(r.status()).as(host).isEqualTo(200);
            assertThat(r.json().get("connections").get(0).get("workspace").asText()).isEqualTo("acme");
        }
        Reply post = exchange(f.port(), request("POST", "/connections/acme/loopback/reconnect", self, "Content-Length: 0"));
        assertThat(post.status()).as("no token configured: a local process may act").isEqualTo(202);
    }

    @Test
    void aRequestWithoutHostIsRefused() throws Exception {
        Reply r = exchange(f.port(), "GET /status HTTP/1.1\r\n\r\n");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).contains("Host");
    }
}
