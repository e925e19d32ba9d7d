package dev.gatehouse.host.reload;

import dev.gatehouse.host.config.ConfigException;
import dev.gatehouse.host.config.ConfigLoader;
import dev.gatehouse.host.config.GatehouseConfig;
import dev.gatehouse.host.config.PlatformSettings;
import dev.gatehouse.host.connections.ConnectionRegistry;
import dev.gatehouse.host.exec.DaemonThreads;
import dev.gatehouse.host.supervisor.ConnectionKey;
import dev.gatehouse.host.time.Scheduler;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the configuration file and applies a valid change as a diff; an invalid file is reported and
 * the last good configuration keeps running. The file is polled (content, not just mtime), which also
 * works for editors that replace the file and for Kubernetes ConfigMap symlink swaps; a change is
 * applied once the content was the same on two consecutive polls.
 *
 * <p>The scheduler only times the polls: reading the file and applying a change (which asks plugins to
 * validate settings) run on a thread of their own, never on the thread that runs the supervisors and
 * the heartbeat.
 */
public final class ConfigApplier implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConfigApplier.class);
    private static final Duration POLL = Duration.ofSeconds(1);

    private final Function<GatehouseConfig, List<String>> apply;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(DaemonThreads.factory("gatehouse-config"));
    private volatile boolean closed;
    private volatile String lastError;
    /** Confined to {@link #worker} once watching. */
    private byte[] applied;
    private byte[] pending;

    public ConfigApplier(Function<GatehouseConfig, List<String>> apply) {
        this.apply = apply;
    }

    /** Starts polling {@code file}. */
    public void watch(Path file, Scheduler scheduler, ConfigLoader loader) {
        applied = read(file);
        scheduler.schedule(POLL, () -> handOff(file, scheduler, loader));
    }

    private void handOff(Path file, Scheduler scheduler, ConfigLoader loader) {
        if (closed) {
            return;
        }
        try {
            worker.execute(() -> poll(file, scheduler, loader));
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void poll(Path file, Scheduler scheduler, ConfigLoader loader) {
        if (closed) {
            return;
        }
        try {
            byte[] now = read(file);
            if (now != null && !Arrays.equals(now, applied)) {
                if (Arrays.equals(now, pending)) {
                    applied = now;
                    pending = null;
                    reload(file, loader);
                } else {
                    pending = now;
                }
            }
        } finally {
            scheduler.schedule(POLL, () -> handOff(file, scheduler, loader));
        }
    }

    private void reload(Path file, ConfigLoader loader) {
        try {
            GatehouseConfig next = loader.load(file);
            apply.apply(next);
            lastError = null;
        } catch (ConfigException e) {
            lastError = "configuration reload refused, the previous configuration keeps running: " + e.getMessage();
            log.error("{}", lastError);
        } catch (RuntimeException e) {
            lastError = "configuration reload failed: " + e;
            log.error("{}", lastError, e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return ConfigLoader.readLimited(file); // a file grown huge is read only to its limit
        } catch (IOException e) {
            return null;
        }
    }

    /** The last refused reload, if the file is still invalid. */
    public Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    /**
     * Computes and applies the difference between two configurations to the running connections.
     *
     * @param add adds (and starts) a connection the old configuration did not have
     * @param problem reports a change that could not be applied
     * @return one line per applied change
     */
    public static List<String> diff(GatehouseConfig old, GatehouseConfig next, ConnectionRegistry connections,
            Consumer<PlatformSettings> add, Consumer<String> problem) {
        List<String> changes = new ArrayList<>();
        Map<ConnectionKey, PlatformSettings> before = byKey(old);
        Map<ConnectionKey, PlatformSettings> after = byKey(next);
        if (!old.health().equals(next.health())) {
            connections.setPolicy(next.health());
            changes.add("health policy updated on every connection");
        }
        for (ConnectionKey k : before.keySet()) {
            if (!after.containsKey(k)) {
                connections.remove(k);
                changes.add(k + " removed");
            }
        }
        for (Map.Entry<ConnectionKey, PlatformSettings> e : after.entrySet()) {
            ConnectionKey k = e.getKey();
            PlatformSettings was = before.get(k);
            PlatformSettings now = e.getValue();
            if (was == null || connections.get(k).isEmpty()) {
                add.accept(now);
                changes.add(k + " added" + (now.enabled() ? "" : " (disabled)"));
            } else if (!was.values().equals(now.values())) {
                Optional<String> invalid = connections.replaceSettings(now);
                if (invalid.isPresent()) {
                    problem.accept(invalid.get() + " (the connection keeps its previous settings)");
                } else {
                    changes.add(k + " settings changed" + (now.enabled() ? ": reconnecting" : ""));
                }
            } else if (was.enabled() != now.enabled()) {
                if (now.enabled()) {
                    connections.enable(k);
                    changes.add(k + " enabled");
                } else {
                    connections.disable(k, "disabled in the configuration");
                    changes.add(k + " disabled");
                }
            }
        }
        if (!old.pluginsDir().equals(next.pluginsDir()) || !old.heartbeatFile().equals(next.heartbeatFile())
                || !old.heartbeatInterval().equals(next.heartbeatInterval()) || !old.admin().equals(next.admin())
                || !old.cluster().equals(next.cluster())) {
            String note = "plugins, heartbeat, admin and cluster settings take effect after a restart";
            log.warn("configuration reload: {}", note);
            changes.add(note);
        }
        return changes;
    }

    private static Map<ConnectionKey, PlatformSettings> byKey(GatehouseConfig c) {
        Map<ConnectionKey, PlatformSettings> m = new LinkedHashMap<>();
        c.allPlatforms().forEach(p -> m.put(new ConnectionKey(p.workspace(), p.platform()), p));
        return m;
    }

    @Override
    public void close() {
        closed = true;
        worker.shutdownNow();
    }
}
