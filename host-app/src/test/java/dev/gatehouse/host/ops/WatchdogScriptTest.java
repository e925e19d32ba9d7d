package dev.gatehouse.host.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.host.testing.LoopbackServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/watchdog.sh run by bash against real files, with a loopback HTTP probe. */
class WatchdogScriptTest {

    private static final Path SCRIPT = Path.of(System.getProperty("user.dir")).resolve("../scripts/watchdog.sh").normalize();

    @TempDir
    Path dir;
    private LoopbackServer network;
    private Path file;
    private Path marker;

    @BeforeEach
    void setUp() throws Exception {
        network = new LoopbackServer();
        file = dir.resolve("gatehouse.alive");
        marker = dir.resolve("restarted");
    }

    @AfterEach
    void tearDown() throws Exception {
        network.close();
    }

    private int run(String probeUrl, String... extra) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", SCRIPT.toString(), "-f", file.toString(), "-s", "300",
                "-u", probeUrl, "-r", "touch " + marker));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    private String up() {
        return "http://127.0.0.1:" + network.port() + "/probe";
    }

    private void heartbeat(Instant at) throws Exception {
        Files.writeString(file, at.toEpochMilli() + "\n");
    }

    @Test
    void aFreshHeartbeatDoesNothing() throws Exception {
        heartbeat(Instant.now().minusSeconds(20));
        assertThat(run(up())).isZero();
        assertThat(marker).doesNotExist();
    }

    @Test
    void aStaleTimestampRestartsEvenWhenTheMtimeIsFresh() throws Exception {
        heartbeat(Instant.now().minusSeconds(400));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
        assertThat(run(up())).isEqualTo(2);
        assertThat(marker).exists();
    }

    @Test
    void aFreshTimestampIsTrustedEvenWhenTheMtimeIsOld() throws Exception {
        heartbeat(Instant.now());
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(3600)));
        assertThat(run(up())).isZero();
    }

    @Test
    void theRestartIsSkippedWhileTheNetworkIsDown() throws Exception {
        heartbeat(Instant.now().minusSeconds(400));
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        assertThat(run("http://127.0.0.1:" + closed + "/")).isEqualTo(3);
        assertThat(marker).doesNotExist();
    }

    @Test
    void aMissingOrGarbledFileCountsAsStale() throws Exception {
        assertThat(run(up())).isEqualTo(2);
        Files.delete(marker);
        Files.writeString(file, "garbage\n");
        assertThat(run(up())).isEqualTo(2);
    }

    @Test
    void aDryRunAndAFailingRestartHaveTheirOwnCodes() throws Exception {
        heartbeat(Instant.now().minusSeconds(1000)); // stale for -s 300 and for the script's default (900)
        assertThat(run(up(), "-n")).isEqualTo(5);
        assertThat(marker).doesNotExist();
        List<String> cmd = List.of("bash", SCRIPT.toString(), "-f", file.toString(), "-u", up(), "-r", "false");
        Process p = new ProcessBuilder(cmd).start();
        p.waitFor(30, TimeUnit.SECONDS);
        assertThat(p.exitValue()).isEqualTo(4);
        Process bad = new ProcessBuilder("bash", SCRIPT.toString(), "-s", "soon").start();
        bad.waitFor(30, TimeUnit.SECONDS);
        assertThat(bad.exitValue()).isEqualTo(1);
    }
}
