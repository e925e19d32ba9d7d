package dev.gatehouse.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gatehouse demo --hosts 3} as the README gives it: three host JVMs on an embedded ZooKeeper, a host killed, its connections moved. */
class ClusterDemoTest {

    @TempDir
    Path dir;

    @Test
    void theClusterDemoMovesAKilledHostsConnectionsAndStopsCleanlyOnSigterm() throws Exception {
        Path dist = Path.of(System.getProperty("gatehouse.dist"));
        Path out = dir.resolve("demo.out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-jar", dist.resolve("gatehouse.jar").toString(), "demo", "--hosts", "3",
                "--plain", "--kill-every", "8s", "--workdir", dir.resolve("work").toString()))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            await("three hosts started").atMost(Duration.ofSeconds(120))
                    .until(() -> Files.readString(out).contains("host-3 started"));
            await("a kill").atMost(Duration.ofSeconds(60)).until(() -> Files.readString(out).contains("killed (SIGKILL)"));
            // Every connection of the killed host comes up on another host: the table says which, and when.
            Pattern moved = Pattern.compile("moved (slack|discord)/\\w+: host-1 → host-[23], CONNECTED \\d+\\.\\d s after the kill");
            await("a moved connection").atMost(Duration.ofSeconds(60)).until(() -> moved.matcher(Files.readString(out)).find());
            assertThat(Files.readString(out)).contains("OWNER", "CONNECTED");
            List<ProcessHandle> hostJvms = p.descendants().filter(ProcessHandle::isAlive).toList();
            assertThat(hostJvms).as("the host JVMs (one may be down between a kill and its restart)").hasSizeBetween(2, 3);
            p.destroy();
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(Files.readString(out)).isZero();
            assertThat(Files.readString(out)).contains("demo stopped");
            // Every host JVM ended with the demo.
            assertThat(hostJvms).noneMatch(ProcessHandle::isAlive);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
