package dev.gatehouse.host.cluster.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.host.GatewayHost;
import dev.gatehouse.host.config.ConfigLoader;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.status.ConnectionStatus;
import dev.gatehouse.host.status.HostStatus;
import dev.gatehouse.host.testing.LoopbackServer;
import dev.gatehouse.host.testing.PluginJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real hosts (the real test plugin, real sockets to a loopback server) in cluster mode against a real
 * ZooKeeper server: the configured connections are shared, each connected from exactly one host, and a
 * host that leaves hands its connections to the others.
 */
class ClusteredHostsTest {

    static final List<String> WORKSPACES = IntStream.range(0, 6).mapToObj(i -> "ws" + i).toList();

    @TempDir
    Path dir;
    TestingServer zk;
    LoopbackServer server;
    final List<GatewayHost> hosts = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        Path data = Files.createDirectories(dir.resolve("zk"));
        zk = new TestingServer(new InstanceSpec(data.toFile(), InstanceSpec.getRandomPort(), -1, -1, true, 1, 1000, 60,
                Map.of("clientPortAddress", "127.0.0.1"), "127.0.0.1"), true);
        server = new LoopbackServer();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (GatewayHost h : hosts) {
            h.close();
        }
        server.close();
        if (zk != null) {
            zk.close();
        }
    }

    GatewayHost host(String id) throws Exception {
        return host(id, zk.getConnectString(), WORKSPACES);
    }

    /** A started host with its own folder, plugin and configuration, in the cluster of {@code zookeeper}. */
    GatewayHost host(String id, String zookeeper, List<String> workspaces) throws Exception {
        Path home = Files.createDirectories(dir.resolve(id));
        Files.createDirectories(home.resolve("plugins"));
        Files.copy(PluginJars.testPlugin(), home.resolve("plugins/loopback.jar"));
        StringBuilder ws = new StringBuilder();
        for (String w : workspaces) {
            ws.append("  ").append(w).append(":\n    loopback:\n      port: ").append(server.port()).append('\n');
        }
        String yaml = """
                plugins:
                  dir: plugins
                admin:
                  enabled: false
                health:
                  closeTimeout: 300ms
                cluster:
                  zookeeper: %s
                  namespace: clustered-test
                  hostId: %s
                  sessionTimeout: 4s
                workspaces:
                %s""".formatted(zookeeper, id, ws);
        GatewayHost h = GatewayHost.builder().config(new ConfigLoader().parse(yaml, id + ".yaml", home)).build();
        hosts.add(h);
        h.start();
        return h;
    }

    /** The workspaces a host has connected. */
    static List<String> connected(GatewayHost h) {
        return h.status().connections().stream().filter(c -> c.state() == ConnectionState.CONNECTED)
                .map(ConnectionStatus::workspace).sorted().toList();
    }

    @Test
    void twoHostsShareTheConnectionsEachConnectedFromOneHostAndTheOtherTakesOverWhenOneLeaves() throws Exception {
        GatewayHost a = host("host-a");
        GatewayHost b = host("host-b");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<String> all = new ArrayList<>(connected(a));
            all.addAll(connected(b));
            assertThat(all).containsExactlyInAnyOrderElementsOf(WORKSPACES);
            assertThat(connected(a)).hasSize(3);
            assertThat(connected(b)).hasSize(3);
        });
        WORKSPACES.forEach(w -> assertThat(server.live(w)).as("%s: live sockets", w).isEqualTo(1));

        // Each host reports the whole cluster: the members, and every connection's owner.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            HostStatus s = a.status();
            assertThat(s.cluster().members()).containsExactly("host-a", "host-b");
            assertThat(s.cluster().zookeeper()).isEqualTo("CONNECTED");
            Map<String, String> owners = new HashMap<>();
            s.cluster().owners().forEach(o -> owners.put(o.workspace(), o.hostId()));
            connected(a).forEach(w -> assertThat(owners).containsEntry(w, "host-a"));
            connected(b).forEach(w -> assertThat(owners).containsEntry(w, "host-b"));
        });
        // Ready is about what a host owns: the connections the other host runs are not its problem.
        assertThat(a.isReady()).isTrue();
        assertThat(b.isReady()).isTrue();
        assertThat(a.scrapeMetrics()).contains("gatehouse_cluster_members 2.0", "gatehouse_owned_connections 3.0",
                "gatehouse_ownership_changes_total{reason=\"granted\"}");

        // b leaves: it closes its connections, then a opens them.
        List<String> ofB = connected(b);
        b.close();
        hosts.remove(b);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(connected(a)).containsExactlyInAnyOrderElementsOf(WORKSPACES));
        ofB.forEach(w -> assertThat(server.live(w)).isEqualTo(1));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(a.scrapeMetrics())
                .contains("gatehouse_cluster_members 1.0", "gatehouse_owned_connections 6.0"));
        WORKSPACES.forEach(w -> assertThat(server.maxLive(w)).as("%s: never two sockets at once", w).isEqualTo(1));
    }

    @Test
    void aHostConfiguredForAClusterWithoutZooKeeperRunsNothingAndSaysWhy() throws Exception {
        int nobody = InstanceSpec.getRandomPort();
        zk.close();
        zk = null;
        GatewayHost h = host("lonely", "127.0.0.1:" + nobody, List.of("ws0"));
        // What must not happen, watched over a real window: a connection opened without a lease.
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(7)).until(() -> server.connectionsOf("ws0") == 0);
        HostStatus s = h.status();
        assertThat(s.connections()).singleElement().satisfies(c -> assertThat(c.state()).isEqualTo(ConnectionState.STOPPED));
        assertThat(s.cluster().fenced()).isNotBlank();
        assertThat(s.cluster().zookeeper()).isIn("CONNECTING", "SUSPENDED", "LOST");
        assertThat(h.isReady()).as("a host that owns nothing because it cannot reach ZooKeeper is not ready").isFalse();
    }
}
