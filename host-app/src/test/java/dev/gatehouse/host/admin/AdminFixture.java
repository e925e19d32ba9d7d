package dev.gatehouse.host.admin;

import static org.awaitility.Awaitility.await;

import dev.gatehouse.host.GatewayHost;
import dev.gatehouse.host.config.ConfigLoader;
import dev.gatehouse.host.status.ConnectionStatus;
import dev.gatehouse.host.testing.LoopbackServer;
import dev.gatehouse.host.testing.PluginJars;
import dev.gatehouse.host.testing.RecordingExit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** A real host with the loopback plugin and workspaces {@code acme} and {@code beta}, its admin API on 127.0.0.1. */
final class AdminFixture implements AutoCloseable {

    final LoopbackServer server;
    final GatewayHost host;

    /** {@code adminYaml}: the lines under {@code admin:}, indented two spaces. */
    AdminFixture(Path dir, String adminYaml, Map<String, String> env) throws Exception {
        server = new LoopbackServer();
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(PluginJars.testPlugin(), plugins.resolve("loopback.jar"));
        String yaml = "admin:\n" + adminYaml + """
                health:
                  openTimeout: 5s
                  closeTimeout: 8s
                workspaces:
                  acme:
                    loopback:
                      port: %d
                  beta:
                    loopback:
                      port: %d
                """.formatted(server.port(), server.port());
        host = GatewayHost.builder().config(new ConfigLoader(env::get).parse(yaml, "t.yaml", dir))
                .onEvent((workspace, platform, event) -> { }).processExit(new RecordingExit()).adminApi(true).build();
        host.start();
        await().atMost(Duration.ofSeconds(10)).until(host::isReady);
    }

    int port() {
        return host.adminPort().orElseThrow();
    }

    ConnectionStatus conn(String ws) {
        return host.status().connections().stream().filter(c -> c.workspace().equals(ws)).findFirst().orElseThrow();
    }

    @Override
    public void close() throws Exception {
        host.close();
        server.close();
    }
}
