package dev.gatehouse.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark with tiny sizes, every section, against the packaged plugin jars ({@code gatehouse.dist}):
 * it must run, write JSON that parses with the machine and every section in it, and leave nothing running.
 * It says nothing about speed.
 */
class BenchSmokeTest {

    /** Threads the benchmark starts (simulators, hosts, plugins, bare libraries); none may outlive it. */
    private static final List<String> OWN_THREADS = List.of("sim-", "gh-", "gatehouse-", "bench-", "JDA ", "Grizzly",
            "tyrus-", "socket-mode-", "slack-");

    @TempDir
    Path results;

    @Test
    void aSmokeRunOfEverySectionWritesParsableResultsAndLeavesNothingRunning() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        int exit = BenchMain.run(new PrintStream(console, true, StandardCharsets.UTF_8), "--smoke", "--results",
                results.toString());
        String printed = console.toString(StandardCharsets.UTF_8);

        assertThat(exit).as(printed).isZero();
        JsonNode report = new ObjectMapper().readTree(onlyJson().toFile());
        assertThat(report.at("/machine/cores").asInt()).isPositive();
        assertThat(report.at("/machine/physicalMemoryMiB").asLong()).isPositive();
        assertThat(report.at("/machine/cpu").asText()).isNotBlank();
        assertThat(report.at("/machine/jdk").asText()).isNotBlank();
        for (String section : BenchOptions.SECTIONS) {
            assertThat(report.at("/sections/" + section).isArray()).as(section + " in " + report.at("/sections")).isTrue();
            assertThat(report.at("/sections/" + section).size()).as(section).isPositive();
        }
        assertThat(report.at("/sections/reload/0/eventsLost").asLong()).as("events lost across hot swaps").isZero();
        // A fleet or round that could not be measured is only a note; a smoke run must have none.
        List<String> notes = new ArrayList<>();
        report.at("/notes").forEach(n -> notes.add(n.asText()));
        assertThat(notes).noneMatch(n -> n.startsWith("scale: ") && n.contains("not measured") || n.contains("section failed"));
        List<String> fleets = new ArrayList<>();
        report.at("/sections/scale").forEach(f -> fleets.add(f.get("fleet").asText()));
        assertThat(fleets).containsExactly("host-slack", "host-discord", "host-both", "bare-slack", "bare-discord");
        assertThat(report.at("/sections/scaleBoth/0/allConnectedMs").isNumber()).as("both platforms in one JVM").isTrue();
        assertThat(report.at("/sections/cluster/0/withinTimeoutPlus5s").asBoolean()).as("kill -9 takeover within the bound").isTrue();
        report.at("/sections/clusterBalance").forEach(step -> assertThat(step.get("spread").asInt()).as(step.toString()).isLessThanOrEqualTo(1));
        assertThat(report.at("/sections/clusterCost").size()).isEqualTo(2);
        assertThat(printed).contains("1. Idle false reconnects", "2. Recovery", "3. Event path", "4. Scale", "5. Hot reload",
                "6a. Cluster");
        assertThat(Poll.until(Duration.ofSeconds(30), Duration.ofMillis(200), () -> ownThreads().isEmpty()))
                .as("threads left running: %s", ownThreads()).isTrue();
    }

    private Path onlyJson() throws Exception {
        try (Stream<Path> files = Files.list(results)) {
            List<Path> json = files.filter(f -> f.getFileName().toString().endsWith(".json")).toList();
            assertThat(json).hasSize(1);
            return json.get(0);
        }
    }

    private static List<String> ownThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> OWN_THREADS.stream().anyMatch(name::startsWith)).sorted().toList();
    }
}
