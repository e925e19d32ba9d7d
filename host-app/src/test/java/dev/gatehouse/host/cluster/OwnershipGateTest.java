package dev.gatehouse.host.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.host.GatewayHost;
import dev.gatehouse.host.config.ConfigLoader;
import dev.gatehouse.host.status.ClusterStatus;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.status.ConnectionStatus;
import dev.gatehouse.host.supervisor.ConnectionKey;
import dev.gatehouse.host.testing.LoopbackServer;
import dev.gatehouse.host.testing.PluginJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host's side of cluster mode, with an ownership the test drives: a configured, enabled connection
 * runs only while this host owns it, is closed when revoked, and is never opened under a lease the host
 * no longer holds (fencing), whatever the supervisor would like.
 */
class OwnershipGateTest {

    static final ConnectionKey ACME = new ConnectionKey("acme", "loopback");

    @TempDir
    Path dir;
    LoopbackServer server;
    GatewayHost host;
    final Driven ownership = new Driven();

    /** An ownership the test grants and revokes by hand. */
    static final class Driven implements Ownership {
        volatile Owner owner;
        volatile Set<ConnectionKey> wanted = Set.of();
        volatile long heldFence = -1;
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public void start(Owner o, Set<ConnectionKey> keys) {
            owner = o;
            wanted = keys;
        }

        @Override
        public void wanted(Set<ConnectionKey> keys) {
            wanted = keys;
        }

        @Override
        public boolean holds(ConnectionKey key, long fence) {
            return fence == heldFence;
        }

        @Override
        public ClusterStatus status() {
            return new ClusterStatus("me", List.of("me"), "CONNECTED", List.of(), heldFence < 0 ? "test: nothing held" : null);
        }

        @Override
        public void close() {
            calls.add("close");
        }

        void grant(long fence) {
            heldFence = fence;
            owner.grant(ACME, fence);
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectories(dir.resolve("plugins"));
        Files.copy(PluginJars.testPlugin(), dir.resolve("plugins/loopback.jar"));
        server = new LoopbackServer();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (host != null) {
            host.close();
        }
        server.close();
    }

    private String yaml() {
        return """
                plugins:
                  dir: plugins
                admin:
                  enabled: false
                health:
                  backoffBase: 100ms
                  backoffCap: 200ms
                cluster:
                  zookeeper: 127.0.0.1:1
                  hostId: me
                  sessionTimeout: 10s
                workspaces:
                  acme:
                    loopback:
                      port: %d
                """.formatted(server.port());
    }

    private ConnectionStatus acme() {
        return host.status().connections().get(0);
    }

    @Test
    void aConnectionRunsOnlyWhileThisHostOwnsItAndNeverOpensUnderALostLease() throws Exception {
        host = GatewayHost.builder().config(new ConfigLoader().parse(yaml(), "c.yaml", dir))
                .ownership((settings, closeTimeout) -> ownership).build();
        host.start();
        assertThat(ownership.wanted).containsExactly(ACME);
        assertThat(acme().state()).isEqualTo(ConnectionState.STOPPED);
        assertThat(host.isReady()).as("holding nothing, fenced").isFalse();
        assertThat(server.connectionsOf("acme")).isZero();

        ownership.grant(7);
        LoopbackServer.Conn first = server.await("acme", 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> acme().state() == ConnectionState.CONNECTED);
        assertThat(host.isReady()).isTrue();

        // The lease is lost (another host may own it by now); before the revocation arrives the socket drops
        // and a reconnect is asked for: its open is refused.
        ownership.heldFence = -1;
        first.drop();
        await().atMost(Duration.ofSeconds(10)).until(() -> acme().state() != ConnectionState.CONNECTED);
        host.reconnect("acme", "loopback").toCompletableFuture().get();
        await().atMost(Duration.ofSeconds(10)).until(() -> acme().lastError() != null
                && acme().lastError().contains("does not hold the lease"));
        assertThat(server.connectionsOf("acme")).as("no socket opened without the lease").isEqualTo(1);
        // Not a failure of the connection: stopped, no attempt counted (a count could end the process).
        assertThat(acme().state()).isEqualTo(ConnectionState.STOPPED);
        assertThat(acme().consecutiveFailures()).isZero();

        ownership.owner.revoke(ACME, Ownership.Change.MOVED, "moved").toCompletableFuture().get();
        assertThat(acme().state()).isEqualTo(ConnectionState.STOPPED);

        // Owned again under a new lease: it runs again.
        ownership.grant(8);
        await().atMost(Duration.ofSeconds(10)).until(() -> acme().state() == ConnectionState.CONNECTED);
        assertThat(server.live("acme")).isEqualTo(1);
        assertThat(server.maxLive("acme")).isEqualTo(1);

        host.close();
        assertThat(ownership.calls).containsExactly("close");
        host = null;
    }

    @Test
    void aClusterSectionWithoutAClusterImplementationOnTheClassPathIsRefusedWithWhatToDo() throws Exception {
        host = GatewayHost.builder().config(new ConfigLoader().parse(yaml(), "c.yaml", dir)).build();
        assertThatThrownBy(host::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no cluster implementation is on the class path")
                .hasMessageContaining("dev.gatehouse:host-cluster");
        host = null;
    }
}
