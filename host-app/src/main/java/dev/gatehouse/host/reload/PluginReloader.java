package dev.gatehouse.host.reload;

import dev.gatehouse.host.connections.ConnectionRegistry;
import dev.gatehouse.host.exec.DaemonThreads;
import dev.gatehouse.host.metrics.HostMetrics;
import dev.gatehouse.host.plugins.PluginJar;
import dev.gatehouse.host.plugins.PluginRuntime;
import dev.gatehouse.host.plugins.PluginStatus;
import dev.gatehouse.host.reload.ReloadResult.Outcome;
import dev.gatehouse.host.reload.Swapper.Kind;
import dev.gatehouse.host.time.Scheduler;
import dev.gatehouse.host.time.Ticker;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs, swaps and removes plugins while the host runs, one operation at a time on its own thread,
 * and logs exactly one outcome for each with the time it really took. A candidate is checked
 * (validation, API version, version policy) before anything is touched; the swap itself is
 * {@link Swapper}'s. After each unload a leak check watches the old class loader.
 *
 * <p>Jar layout: live jars sit directly in the plugins folder; operators drop new ones into
 * {@code incoming/} (or rename a finished copy into the folder itself); a swapped-out jar moves to
 * {@code .previous/}, a refused candidate to {@code incoming/rejected/}.
 */
public final class PluginReloader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PluginReloader.class);

    private final PluginRuntime runtime;
    private final HostMetrics metrics;
    private final Waits waits;
    private final ExecutorService coordinator = Executors.newSingleThreadExecutor(DaemonThreads.factory("gatehouse-reload"));
    private final LeakCheck leaks;
    private final FolderWatcher watcher;
    private final JarFolder jars;
    private final Swapper swapper;
    /** The last failure of each plugin, shown with its status until an operation on it succeeds. */
    private final Map<String, String> lastErrors = new ConcurrentHashMap<>();
    /** Why a plugin's connections are stopped (removed, or no version runs), by plugin id. */
    private final Map<String, String> problems = new ConcurrentHashMap<>();
    /** A candidate refused only by the version policy, by plugin id: what {@code reload?force=true} installs. */
    private final Map<String, Path> refused = new ConcurrentHashMap<>();
    /** Refused candidates of plugins that do not run, by id (or file name), for status; the oldest go first. */
    private final Map<String, PluginStatus> refusedCandidates = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, PluginStatus> eldest) {
                    return size() > 50;
                }
            });

    /**
     * @param connectBound how long a new connection may take to connect before the swap rolls back
     * @param leakBound how long an unloaded class loader may stay reachable before a leak is suspected
     * @param platformsAdded called with the platforms a plugin serves after it (re)started, to open the
     *     configured connections that are not registered yet
     * @param scheduler the host's scheduler: the waits of a swap poll on it (short, non-blocking checks)
     */
    public PluginReloader(Path dir, PluginRuntime runtime, ConnectionRegistry connections, HostMetrics metrics,
            Duration connectBound, Duration leakBound, Duration quietPeriod, Consumer<List<String>> platformsAdded,
            Ticker ticker, Scheduler scheduler) {
        this.runtime = runtime;
        this.metrics = metrics;
        this.waits = new Waits(scheduler, ticker);
        this.leaks = new LeakCheck(ticker);
        this.watcher = new FolderWatcher(dir, quietPeriod, ticker, this::onCandidate, this::onRemoved, runtime);
        this.jars = new JarFolder(dir, watcher);
        this.swapper = new Swapper(runtime, connections, waits, jars, leaks, leakBound, connectBound, platformsAdded, problems);
    }

    /** Watches the plugins folder (WatchService plus a periodic rescan) and applies what appears there. */
    public void watch(Scheduler scheduler) {
        watcher.start(scheduler);
    }

    private void onCandidate(Path jar) {
        install(jar, jar.getFileName().toString().endsWith(".force.jar"));
    }

    private void onRemoved(String pluginId) {
        submit(pluginId, t0 -> swapper.remove(pluginId, t0));
    }

    /** Installs a jar: a new plugin, or a new version of a loaded one. */
    public CompletionStage<ReloadResult> install(Path jar, boolean force) {
        return submit(jar.getFileName().toString(), t0 -> doInstall(jar, force, t0));
    }

    /** Restarts a plugin from its jar. */
    public CompletionStage<ReloadResult> reload(String pluginId) {
        return reload(pluginId, false);
    }

    /**
     * Restarts a plugin from its jar; with {@code force}, installs instead the last candidate of this
     * plugin that the version policy refused (a downgrade, or the same version with other content).
     */
    public CompletionStage<ReloadResult> reload(String pluginId, boolean force) {
        return submit(pluginId, t0 -> {
            Optional<PluginJar> current = runtime.loadedJar(pluginId);
            if (current.isEmpty()) {
                return ReloadResult.rejected(pluginId, null, "no started plugin has id '" + pluginId + "'", waits.since(t0));
            }
            Path forced = force ? refused.remove(pluginId) : null;
            if (forced != null && Files.exists(forced, LinkOption.NOFOLLOW_LINKS)) {
                log.info("plugin {}: forced reload installs the refused {}", pluginId, forced.getFileName());
                return doInstall(forced, true, t0);
            }
            return swapper.swap(current.get(), current.get(), Kind.RESTART, t0);
        });
    }

    private interface Operation {
        ReloadResult run(long startNanos);
    }

    /**
     * Runs one operation on the reload thread and records its outcome. Whatever it throws, an
     * {@code Error} included, is an outcome too: logged once, never lost in a future nobody reads.
     */
    private CompletionStage<ReloadResult> submit(String subject, Operation op) {
        return CompletableFuture.supplyAsync(() -> {
            long t0 = waits.nanos();
            ReloadResult r;
            try {
                r = op.run(t0);
            } catch (RuntimeException | Error e) {
                log.error("plugin {}: the operation failed unexpectedly", subject, e);
                r = new ReloadResult(subject, Outcome.FAILED, null, null, waits.since(t0), "failed unexpectedly: " + e);
            }
            return record(r);
        }, coordinator);
    }

    private ReloadResult record(ReloadResult r) {
        metrics.pluginReload(r.pluginId(), r.outcome().label());
        String line = r.outcome() + versions(r) + " in " + r.took().toMillis() + " ms";
        if (r.outcome() == Outcome.REJECTED && runtime.loadedJar(r.pluginId()).isEmpty()) {
            refusedCandidates.put(r.pluginId(), new PluginStatus(r.pluginId(), r.toVersion(), "REJECTED", List.of(), null,
                    r.reason(), false));
        } else if (!r.isFailure()) {
            refusedCandidates.remove(r.pluginId());
        }
        if (r.isFailure()) {
            lastErrors.put(r.pluginId(), r.reason());
            log.error("plugin {}: {}: {}", r.pluginId(), line, r.reason());
        } else {
            lastErrors.remove(r.pluginId());
            if (r.reason() != null) {
                log.warn("plugin {}: {}: {}", r.pluginId(), line, r.reason());
            } else {
                log.info("plugin {}: {}", r.pluginId(), line);
            }
        }
        return r;
    }

    private static String versions(ReloadResult r) {
        if (r.fromVersion() == null) {
            return r.toVersion() == null ? "" : " " + r.toVersion();
        }
        return " " + r.fromVersion() + " -> " + (r.toVersion() == null ? "none" : r.toVersion());
    }

    private ReloadResult doInstall(Path candidate, boolean force, long t0) {
        PluginJar jar;
        try {
            jar = PluginJar.inspect(candidate);
        } catch (PluginJar.InvalidJarException e) {
            jars.quarantine(candidate);
            return ReloadResult.rejected(e.id() == null ? candidate.getFileName().toString() : e.id(), e.version(), e.problem(),
                    waits.since(t0));
        } catch (RuntimeException | Error e) {
            // A check that blew up (an OutOfMemoryError from a hostile jar the bounds missed) refuses the jar.
            jars.quarantine(candidate);
            return ReloadResult.rejected(candidate.getFileName().toString(), null, "could not be checked (" + e
                    + "); it was moved to incoming/rejected/", waits.since(t0));
        }
        if (!runtime.requiresSatisfied(jar)) {
            jars.quarantine(candidate);
            return ReloadResult.rejected(jar.id(), jar.version(), "requires host API '" + jar.requires()
                    + "' but this host implements " + runtime.apiVersion(), waits.since(t0));
        }
        Optional<PluginJar> current = runtime.loadedJar(jar.id());
        if (current.isEmpty()) {
            return swapper.installNew(jar, t0);
        }
        PluginJar old = current.get();
        int cmp = runtime.compareVersions(jar.version(), old.version());
        if (cmp < 0 && !force) {
            return refuse(jar, "downgrade from " + old.version() + " to " + jar.version() + " refused; to force it, name the"
                    + " file *.force.jar or call POST /plugins/" + jar.id() + "/reload?force=true", t0);
        }
        if (cmp == 0 && !force && JarFolder.sameBytes(candidate, old.path())) {
            if (!candidate.equals(old.path())) {
                jars.delete(candidate);
            }
            return ReloadResult.rejected(jar.id(), jar.version(), "version " + jar.version() + " is already running", waits.since(t0));
        }
        if (cmp == 0 && !force) {
            return refuse(jar, "version " + jar.version() + " is already running with different content; bump the version,"
                    + " or force it: name the file *.force.jar or call POST /plugins/" + jar.id() + "/reload?force=true", t0);
        }
        return swapper.swap(old, jar, Kind.UPGRADE, t0);
    }

    /** Refuses a candidate by the version policy and keeps it for a forced reload. */
    private ReloadResult refuse(PluginJar jar, String reason, long t0) {
        Path kept = jars.quarantine(jar.path());
        refused.put(jar.id(), kept);
        return ReloadResult.rejected(jar.id(), jar.version(), reason + " (it installs incoming/rejected/"
                + kept.getFileName() + ")", waits.since(t0));
    }

    /** The runtime's statuses with leak suspicion and the last reload error of each plugin. */
    public List<PluginStatus> statuses() {
        List<PluginStatus> out = new ArrayList<>(runtime.statuses().stream().map(s -> new PluginStatus(s.id(), s.version(),
                s.state(), s.platforms(), s.jar(), s.problem() != null ? s.problem() : lastErrors.get(s.id()),
                leaks.isSuspected(s.id()))).toList());
        List<PluginStatus> candidates;
        synchronized (refusedCandidates) {
            candidates = List.copyOf(refusedCandidates.values());
        }
        candidates.stream().filter(c -> out.stream().noneMatch(s -> s.id().equals(c.id()))).forEach(out::add);
        return out;
    }

    /** Why connections are stopped because of a plugin (removed, or no version of it runs). */
    public List<String> problems() {
        return new ArrayList<>(problems.values());
    }

    /** Whether any unload left a class loader reachable. */
    public boolean restartRecommended() {
        return leaks.any();
    }

    /**
     * Unloaded plugin class loaders the leak check still watches: not yet collected, within their bound
     * or past it.
     *
     * @return how many
     */
    public int unloadedLoadersPending() {
        return leaks.pending();
    }

    public boolean leakSuspected(String pluginId) {
        return leaks.isSuspected(pluginId);
    }

    @Override
    public void close() {
        watcher.close();
        coordinator.shutdownNow();
        leaks.close();
    }
}
