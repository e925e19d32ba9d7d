package dev.gatehouse.host.cli;

import dev.gatehouse.api.Durations;
import dev.gatehouse.host.cli.doctor.Doctor;
import dev.gatehouse.host.cli.doctor.Finding;
import dev.gatehouse.host.config.GatehouseConfig;
import dev.gatehouse.host.exit.ExitCodes;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gatehouse doctor}: checks a deployment before (or while) it runs, one line per check with the fix. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Checks a deployment without connecting: the JDK, the plugins folder and a plugin for every enabled"
                + " platform, each enabled workspace's settings and tokens (asked of the platform through its plugin:"
                + " Slack auth.test and apps.connections.open, Discord GET /users/@me), each probe URL, the heartbeat"
                + " folder (written to when it exists; never created) and the admin address.",
            "Prints one line per check: 'OK   <check>: <detail>', 'SKIP <check>: <why>' (not checked; does not fail the"
                + " run) or 'FAIL <check>: <problem> -- fix: <fix>'. Tokens are never printed.",
            "Exits 0 when no check failed, 78 otherwise (also when the configuration itself is invalid)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every check passed (or was skipped)", "78:a check failed, or the configuration is invalid"})
final class DoctorCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;
    static final Duration MIN_TIMEOUT = Duration.ofMillis(100);
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "bound of each network check (credentials, probe URL), 100ms to 5m; default ${DEFAULT-VALUE}")
    Duration timeout;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
            // Zero would make the HTTP clients throw; beyond minutes a hung platform holds the operator's terminal.
            throw new ParameterException(spec.commandLine(), "--timeout: " + Durations.format(timeout)
                    + " is out of range; give a duration from 100ms to 5m, e.g. --timeout 10s");
        }
        PrintWriter out = spec.commandLine().getOut();
        GatehouseConfig c = config.load(spec.commandLine().getErr());
        if (c == null) {
            return ExitCodes.CONFIG_INVALID;
        }
        List<Finding> findings = Doctor.examine(c, timeout);
        findings.forEach(f -> out.println(f.line()));
        boolean healthy = Doctor.healthy(findings);
        long failed = findings.stream().filter(f -> f.verdict() == Finding.Verdict.FAIL).count();
        out.println(healthy ? c.source() + ": all " + findings.size() + " checks passed"
                : c.source() + ": " + failed + " of " + findings.size() + " checks failed");
        out.flush();
        return healthy ? ExitCodes.OK : ExitCodes.CONFIG_INVALID;
    }
}
