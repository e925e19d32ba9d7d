package dev.gatehouse.host.cli.doctor;

import dev.gatehouse.api.CredentialCheck;
import dev.gatehouse.api.GatewaySettings;
import dev.gatehouse.api.GatewaySettingsException;
import dev.gatehouse.host.config.GatehouseConfig;
import dev.gatehouse.host.config.PlatformSettings;
import dev.gatehouse.host.logging.Secrets;
import dev.gatehouse.host.plugins.PluginRuntime;
import dev.gatehouse.host.plugins.PluginRuntime.GatewayBinding;
import dev.gatehouse.host.plugins.PluginStatus;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.pf4j.PluginRuntimeException;

/**
 * The checks that go through the plugins, loaded as the host loads them (no connection is opened): the
 * plugins folder, a plugin for every enabled platform, each enabled connection's settings and
 * credentials, and the probe URL of each. Plugin code runs only through
 * {@link PluginRuntime#callBounded}, on a thread of its own, so a hanging plugin costs its bound.
 */
final class PluginChecks {

    /** Beyond the plugin's own timeout, for its thread to hand the answer over. */
    private static final Duration GRACE = Duration.ofSeconds(2);

    private final GatehouseConfig config;
    private final PluginRuntime plugins;
    private final Duration timeout;
    /** Probe URL → the connections that use it, in configuration order. */
    private final Map<URI, List<String>> probes = new LinkedHashMap<>();

    PluginChecks(GatehouseConfig config, PluginRuntime plugins, Duration timeout) {
        this.config = config;
        this.plugins = plugins;
        this.timeout = timeout;
    }

    List<Finding> folderAndPlugins() {
        List<Finding> out = new ArrayList<>();
        String check = "plugins.dir " + config.pluginsDir();
        if (!Files.isDirectory(config.pluginsDir()) || !Files.isReadable(config.pluginsDir())) {
            out.add(Finding.fail(check, "not a readable folder", "create it and put the plugin jars in it, or fix plugins.dir"));
            return out;
        }
        List<PluginStatus> loaded = plugins.loadAll();
        out.add(Finding.ok(check, loaded.stream().filter(p -> p.problem() == null).count() + " plugin(s) started: "
                + String.join(", ", plugins.platforms().stream().sorted().toList())));
        loaded.stream().filter(p -> p.problem() != null).forEach(p -> out.add(Finding.fail("plugin " + p.jar(), p.problem(),
                "replace or remove the jar (gatehouse plugins --config FILE lists every plugin)")));
        Set<String> wanted = new TreeSet<>();
        config.allPlatforms().stream().filter(PlatformSettings::enabled).forEach(ps -> wanted.add(ps.platform()));
        for (String platform : wanted) {
            Optional<GatewayBinding> b = plugins.gateway(platform);
            out.add(b.isPresent() ? Finding.ok("platform " + platform, "served by plugin " + b.get().pluginId() + " "
                    + b.get().version()) : Finding.fail("platform " + platform, "no plugin in " + config.pluginsDir()
                    + " serves it", "put the " + platform + " gateway plugin jar in " + config.pluginsDir()));
        }
        return out;
    }

    /** Settings and credentials of every enabled connection whose platform has a plugin. */
    List<Finding> connections() {
        List<Finding> out = new ArrayList<>();
        for (PlatformSettings ps : config.allPlatforms()) {
            Optional<GatewayBinding> b = plugins.gateway(ps.platform());
            if (!ps.enabled() || b.isEmpty()) {
                continue;
            }
            GatewaySettings settings = ps.toGatewaySettings();
            register(b.get(), ps);
            try {
                PluginRuntime.callBounded(b.get(), "Gateway.validate()", timeout, () -> {
                    b.get().gateway().validate(settings);
                    return null;
                });
                URI probe = PluginRuntime.callBounded(b.get(), "Gateway.probeUri()", timeout,
                        () -> b.get().gateway().probeUri(settings));
                probes.computeIfAbsent(probe, u -> new ArrayList<>()).add(ps.path());
            } catch (PluginRuntimeException e) {
                out.add(settingsProblem(ps, e));
                continue;
            }
            out.add(credentials(b.get(), ps, settings));
        }
        return out;
    }

    private Finding settingsProblem(PlatformSettings ps, PluginRuntimeException e) {
        if (e.getCause() instanceof GatewaySettingsException g) {
            return Finding.fail("settings " + ps.path(), g.getMessage(), "correct the setting (gatehouse validate lists every problem)");
        }
        return Finding.fail("settings " + ps.path(), e.getMessage(), "see the message; the plugin could not read its settings");
    }

    private Finding credentials(GatewayBinding b, PlatformSettings ps, GatewaySettings settings) {
        String check = "credentials " + ps.path();
        CredentialCheck r;
        try {
            r = PluginRuntime.callBounded(b, "Gateway.checkCredentials()", timeout.plus(GRACE),
                    () -> b.gateway().checkCredentials(settings, timeout));
        } catch (PluginRuntimeException e) {
            return Finding.fail(check, "the check failed: " + e.getMessage(), "if the message names no setting, try again;"
                    + " GATEHOUSE_LOG_LEVEL=DEBUG shows what the plugin logged");
        }
        if (r == null) {
            return Finding.fail(check, "plugin " + b.pluginId() + " returned no answer", "report this to the plugin's authors");
        }
        if (!r.checked()) {
            return Finding.skip(check, "plugin " + b.pluginId() + " " + b.version() + " cannot check credentials ("
                    + r.detail() + ")");
        }
        return r.accepted() ? Finding.ok(check, r.detail()) : Finding.fail(check, r.detail(), r.fix());
    }

    /** The values of the plugin's declared secret keys are masked too, as the host masks them. */
    private void register(GatewayBinding b, PlatformSettings ps) {
        try {
            Set<String> keys = PluginRuntime.callBounded(b, "Gateway.secretKeys()", timeout, b.gateway()::secretKeys);
            List<String> values = new ArrayList<>();
            keys.forEach(k -> Optional.ofNullable(ps.values().get(k)).ifPresent(v -> values.add(v.toString())));
            Secrets.register(values);
        } catch (PluginRuntimeException e) {
            // the configuration's own secret detection still applies
        }
    }

    /** Probe URL → the connections that use it; complete after {@link #connections()}. */
    Map<URI, List<String>> probes() {
        return probes;
    }
}
