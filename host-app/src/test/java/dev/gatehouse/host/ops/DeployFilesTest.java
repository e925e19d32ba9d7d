package dev.gatehouse.host.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.host.config.HealthPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped systemd units and watchdog script agree with the liveness contract (README): the same
 * heartbeat file, a systemd watchdog that outlasts the progress bound, and a file watchdog that waits
 * longer than the host's whole reconnect budget, so that the host's own policy acts first.
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

        Duration budget = worstCaseReconnectBudget(HealthPolicy.defaults());
        assertThat(Duration.ofSeconds(stale)).as("unit -s vs budget %s", budget).isGreaterThan(budget);
        assertThat(scriptDefault).isEqualTo(stale);
    }

    @Test
    void theUnitAndTheScriptWatchTheSameHeartbeatFile() throws Exception {
        String unitFile = group(read("deploy/systemd/gatehouse-watchdog.service"), "watchdog\\.sh -f (\\S+)");
        String scriptDefault = group(read("scripts/watchdog.sh"), "file=\"\\$\\{GATEHOUSE_HEARTBEAT:-([^}]+)}\"");
        assertThat(scriptDefault).isEqualTo(unitFile);
        assertThat(Path.of(unitFile).isAbsolute()).isTrue();
    }

    @Test
    void systemdsWatchdogOutlastsTheProgressBoundAndThePetPeriod() throws Exception {
        String unit = read("deploy/systemd/gatehouse.service");
        Duration watchdog = Duration.ofSeconds(Long.parseLong(group(unit, "(?m)^WatchdogSec=(\\d+)s$")));
        Duration progressBound = DEFAULT_HEARTBEAT_INTERVAL.multipliedBy(3);
        assertThat(progressBound.plus(watchdog.dividedBy(2))).as("unlive after the bound, noticed by the next pet")
                .isLessThanOrEqualTo(watchdog);
        assertThat(unit).contains("NotifyAccess=all").contains("Type=notify");
    }
}
