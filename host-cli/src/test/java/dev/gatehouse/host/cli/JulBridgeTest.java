package dev.gatehouse.host.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.host.logging.Secrets;
import dev.gatehouse.host.testing.LogCapture;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** What a library logs through java.util.logging reaches logback, formatted and masked like everything else. */
class JulBridgeTest {

    @Test
    void julRecordsOfLibrariesAreRoutedAndMasked() {
        Secrets.register(List.of("jul-bridge-registered-secret"));
        JulBridge.install();
        JulBridge.install(); // idempotent: one handler, one line per record
        try (LogCapture logs = new LogCapture()) {
            // What Tyrus logs when a handshake fails: the Socket Mode URL carries a one-time ticket.
            Logger.getLogger("org.glassfish.tyrus.client.TyrusClientEngine").log(Level.WARNING,
                    "Handshake failed for wss://wss-primary.slack.com/link/?ticket=0a1b2c3d-4e5f&app_id=A1 with"
                            + " jul-bridge-registered-secret");

            assertThat(logs.text())
                    .contains("WARN")
                    .contains("org.glassfish.tyrus.client.TyrusClientEngine")
                    .contains("link/?ticket=[REDACTED]&app_id=A1 with [REDACTED]")
                    .doesNotContain("0a1b2c3d-4e5f").doesNotContain("jul-bridge-registered-secret");
            assertThat(logs.text().lines().filter(l -> l.contains("Handshake failed"))).hasSize(1);
        }
    }
}
