package dev.gatehouse.discord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.api.CredentialCheck;
import dev.gatehouse.api.GatewaySettings;
import dev.gatehouse.host.exec.HostExecutors;
import dev.gatehouse.host.testing.DripServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The credential check ends by its timeout in all, however slowly Discord answers. */
class CredentialProbeTest {

    private final HostExecutors host = new HostExecutors("discord-check", getClass().getClassLoader(), "acme", "discord", 1);

    @AfterEach
    void stop() {
        host.shutdown(Duration.ofSeconds(2));
    }

    @Test
    void aDiscordThatTricklesItsAnswerFailsTheCheckWithinItsTimeout() throws Exception {
        try (DripServer discord = new DripServer(Duration.ofSeconds(6), Duration.ofMillis(100))) {
            String api = "http://127.0.0.1:" + discord.port() + "/api/v10/";
            DiscordSettings settings = DiscordSettings.parse(new GatewaySettings("workspaces.acme.discord", Map.of(
                    "token", "discord-check-token", "apiUrl", api)));
            long start = System.nanoTime();

            CredentialCheck r = new CredentialProbe(settings, "workspaces.acme.discord").check(host, Duration.ofSeconds(1));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("one deadline, each read included")
                    .isLessThan(Duration.ofMillis(2500));
            assertThat(r.accepted()).isFalse();
            assertThat(r.detail()).isEqualTo("no answer from Discord at " + api + "users/@me within 1s");
            assertThat(r.fix()).isEqualTo("check the network and any proxy, and workspaces.acme.discord.apiUrl");
        }
    }

    @Test
    void aConnectThatHangsIsCutAtTheTimeoutNotTheClientsTenSeconds() throws Exception {
        // A listener whose accept queue is full: the kernel drops further handshakes, so a connect hangs.
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> queued = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    Socket s = new Socket();
                    try {
                        s.connect(full.getLocalSocketAddress(), 200);
                        queued.add(s);
                    } catch (IOException e) {
                        s.close();
                        break;
                    }
                }
                String api = "http://127.0.0.1:" + full.getLocalPort() + "/api/v10/";
                DiscordSettings settings = DiscordSettings.parse(new GatewaySettings("workspaces.acme.discord", Map.of(
                        "token", "discord-check-token", "apiUrl", api)));
                long start = System.nanoTime();

                CredentialCheck r = new CredentialProbe(settings, "workspaces.acme.discord").check(host, Duration.ofSeconds(1));

                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
                assertThat(r.accepted()).isFalse();
                assertThat(r.detail()).startsWith("no answer from Discord at " + api + "users/@me within 1s");
            } finally {
                for (Socket s : queued) {
                    s.close();
                }
            }
        }
    }
}
