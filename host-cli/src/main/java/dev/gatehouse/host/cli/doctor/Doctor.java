package dev.gatehouse.host.cli.doctor;

import dev.gatehouse.host.Version;
import dev.gatehouse.host.config.GatehouseConfig;
import dev.gatehouse.host.logging.Secrets;
import dev.gatehouse.host.plugins.PluginRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything {@code gatehouse doctor} checks, in report order: the JDK, the plugins and platforms, each
 * enabled connection's settings and credentials (asked of the platform through its plugin), each distinct
 * probe URL, the heartbeat folder and the admin address. Opens no connection and writes nothing but a
 * temporary file in the heartbeat folder when it exists (see {@link HeartbeatCheck}). Plugins are started with
 * the bounds the host uses: {@code health.openTimeout} to start, {@code health.closeTimeout} to stop.
 */
public final class Doctor {

    private Doctor() {
    }

    /**
     * @param timeout the bound of each network check (a credential check, a probe)
     * @return one finding per check
     */
    public static List<Finding> examine(GatehouseConfig config, Duration timeout) {
        Secrets.register(config.secrets());
        HostChecks host = new HostChecks(timeout);
        List<Finding> out = new ArrayList<>();
        out.add(host.jdk(Runtime.version(), System.getProperty("java.vendor", "?"), System.getProperty("java.home", "?")));
        try (PluginRuntime plugins = new PluginRuntime(config.pluginsDir(), Version.API,
                config.health().openTimeout(), config.health().closeTimeout())) {
            PluginChecks through = new PluginChecks(config, plugins, timeout);
            out.addAll(through.folderAndPlugins());
            out.addAll(through.connections());
            through.probes().forEach((uri, users) -> out.add(host.probe(uri, users)));
        }
        out.add(host.heartbeat(config));
        out.add(host.adminPort(config.admin()));
        return out;
    }

    /** Whether the report holds no FAIL line. */
    public static boolean healthy(List<Finding> findings) {
        return findings.stream().noneMatch(f -> f.verdict() == Finding.Verdict.FAIL);
    }
}
