package dev.gatehouse.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import picocli.CommandLine;
import org.junit.jupiter.api.Test;

/** Section sizes that cannot run are refused when the options are read, before any section starts. */
class BenchOptionsTest {

    private static BenchOptions.Sizes resolve(String... args) {
        BenchOptions options = new BenchOptions();
        new CommandLine(options).parseArgs(args);
        return options.resolve();
    }

    @Test
    void eventSizesThatWouldFillAHostsDedupeTableAreRefusedNamingTheOptions() {
        assertThatThrownBy(() -> resolve("--only", "events", "--discord-burst-events", "10000", "--burst-trials", "20"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("304500 Discord events")
                .hasMessageContaining("dedupe table (200000 events per 10 min)")
                .hasMessageContaining("--discord-burst-events");
    }

    @Test
    void theDefaultsAndTheSameSizesWithoutSectionThreeAreAccepted() {
        assertThat(resolve().discordBurstEvents()).isEqualTo(5000);
        assertThat(resolve("--only", "scale", "--discord-burst-events", "10000").discordBurstEvents()).isEqualTo(10000);
    }
}
