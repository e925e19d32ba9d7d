package dev.gatehouse.host.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.host.config.ConfigLoader;
import dev.gatehouse.host.config.GatehouseConfig;
import dev.gatehouse.host.config.HealthPolicy;
import dev.gatehouse.host.events.EventDispatcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped configuration, systemd units and watchdog script agree with the liveness contract (README):
 * the heartbeat file the configuration writes is the one the watchdogs watch, a systemd watchdog outlasts
 * the progress bound, a file watchdog waits longer than the host's whole reconnect budget, so that the
 * host's own policy acts first, and the stop timeouts let a clean shutdown finish.
 */
class DeployFilesTest {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).resolve("..").normalize();
    private static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(10);

    private static String read(String path) throws Exception {
        return Files.readString(ROOT.resolve(path));
    }

    private static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("%s in the text", regex).isTrue();
        return m.group(1);
    }

    /** The longest the default policy spends on failed attempts before it exits 75 (full jitter at its top). */
    static Duration worstCaseReconnectBudget(HealthPolicy p) {
        Duration total = Duration.ZERO;
        for (int attempt = 1; attempt <= p.maxReconnectAttempts(); attempt++) {
            total = total.plus(p.openTimeout()).plus(p.closeTimeout());
            if (attempt < p.maxReconnectAttempts()) {
                Duration backoff = p.backoffBase().multipliedBy(1L << Math.min(30, attempt - 1));
                total = total.plus(backoff.compareTo(p.backoffCap()) > 0 ? p.backoffCap() : backoff);
            }
        }
        return total;
    }

    @Test
    void theFileWatchdogWaitsLongerThanTheWholeReconnectBudget() throws Exception {
        String unit = read("deploy/systemd/gatehouse-watchdog.service");
        long stale = Long.parseLong(group(unit, "watchdog\\.sh .*-s (\\d+)"));
        String script = read("scripts/watchdog.sh");
        long scriptDefault = Long.parseLong(group(script, "(?m)^stale=(\\d+)$"));

        for (HealthPolicy policy : List.of(HealthPolicy.defaults(), shippedConfig().health())) {
            Duration budget = worstCaseReconnectBudget(policy);
            assertThat(Duration.ofSeconds(stale)).as("unit -s vs budget %s", budget).isGreaterThan(budget);
        }
        assertThat(scriptDefault).isEqualTo(stale);
    }

    @Test
    void theUnitAndTheScriptWatchTheSameHeartbeatFile() throws Exception {
        String unitFile = group(read("deploy/systemd/gatehouse-watchdog.service"), "watchdog\\.sh -f (\\S+)");
        String scriptDefault = group(read("scripts/watchdog.sh"), "file=\"\\$\\{GATEHOUSE_HEARTBEAT:-([^}]+)}\"");
        assertThat(scriptDefault).isEqualTo(unitFile);
        assertThat(Path.of(unitFile).isAbsolute()).isTrue();
    }

    /**
     * The configuration as gatehouse.service reads it: from the --config path of its ExecStart, with the
     * tokens it takes from the environment set.
     */
    static GatehouseConfig shippedConfig() throws Exception {
        Path installedAt = Path.of(group(read("deploy/systemd/gatehouse.service"), "(?m)^ExecStart=.* run --config (\\S+)$"));
        Function<String, String> env = name -> name.endsWith("_TOKEN") ? "test-" + name.toLowerCase(Locale.ROOT) : null;
        return new ConfigLoader(env).parse(read("deploy/conf/gatehouse.yaml"), installedAt.toString(), installedAt.getParent());
    }

    @Test
    void theShippedConfigurationWritesTheHeartbeatWhereTheWatchdogLooks() throws Exception {
        String watched = group(read("deploy/systemd/gatehouse-watchdog.service"), "watchdog\\.sh -f (\\S+)");
        assertThat(shippedConfig().heartbeatFile()).contains(Path.of(watched));
    }

    @Test
    void systemdsWatchdogOutlastsTheProgressBoundAndThePetPeriod() throws Exception {
        String unit = read("deploy/systemd/gatehouse.service");
        Duration watchdog = Duration.ofSeconds(Long.parseLong(group(unit, "(?m)^WatchdogSec=(\\d+)s$")));
        for (Duration interval : List.of(DEFAULT_HEARTBEAT_INTERVAL, shippedConfig().heartbeatInterval())) {
            Duration progressBound = interval.multipliedBy(3);
            assertThat(progressBound.plus(watchdog.dividedBy(2))).as("unlive after the bound, noticed by the next pet")
                    .isLessThan(watchdog);
        }
        assertThat(unit).contains("NotifyAccess=all").contains("Type=notify");
    }

    @Test
    void theStopTimeoutsCoverEventDrainingAndTheCloseTimeout() throws Exception {
        Duration needed = EventDispatcher.DRAIN_BOUND.plus(shippedConfig().health().closeTimeout());
        Duration systemd = Duration.ofSeconds(Long.parseLong(group(read("deploy/systemd/gatehouse.service"),
                "(?m)^TimeoutStopSec=(\\d+)s$")));
        Duration kubernetes = Duration.ofSeconds(Long.parseLong(group(read("deploy/kubernetes/gatehouse.yaml"),
                "terminationGracePeriodSeconds: (\\d+)")));
        assertThat(systemd).as("TimeoutStopSec").isGreaterThan(needed);
        assertThat(kubernetes).as("terminationGracePeriodSeconds").isGreaterThan(needed);
    }

    /** Relative paths resolve against the file's folder: /etc/gatehouse, or a read-only ConfigMap mount. */
    @Test
    void theShippedConfigurationWritesOnlyUnderVarLibGatehouseWhereverTheFileIs() throws Exception {
        GatehouseConfig installed = shippedConfig();
        String text = read("deploy/conf/gatehouse.yaml");
        Function<String, String> env = name -> name.endsWith("_TOKEN") ? "test-token" : null;
        GatehouseConfig elsewhere = new ConfigLoader(env).parse(text, "elsewhere", Path.of("/srv/config/mounted"));

        Path state = Path.of("/var/lib/gatehouse");
        assertThat(installed.pluginsDir()).startsWithRaw(state).isEqualTo(elsewhere.pluginsDir());
        assertThat(installed.heartbeatFile()).hasValueSatisfying(f -> assertThat(f).startsWithRaw(state))
                .isEqualTo(elsewhere.heartbeatFile());
        // Without a state folder the backfill ledger lives in memory: a restart's gap would only be reported.
        assertThat(installed.backfill().stateDir()).as("backfill.stateDir")
                .hasValueSatisfying(d -> assertThat(d).startsWithRaw(state)).isEqualTo(elsewhere.backfill().stateDir());
        assertThat(installed.backfill().enabled()).isTrue();
    }
}
