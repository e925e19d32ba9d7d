package dev.gatehouse.host.reload;

import dev.gatehouse.host.connections.ConnectionRegistry;
import dev.gatehouse.host.exec.DaemonThreads;
import dev.gatehouse.host.metrics.HostMetrics;
import dev.gatehouse.host.outbound.OutboundRouter;
import dev.gatehouse.host.plugins.PluginJar;
import dev.gatehouse.host.plugins.PluginRuntime;
import dev.gatehouse.host.plugins.PluginStatus;
import dev.gatehouse.host.reload.ReloadResult.Outcome;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.supervisor.ConnectionKey;
import dev.gatehouse.host.time.Scheduler;
import dev.gatehouse.host.time.Ticker;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Swaps plugins while the host runs, one at a time. A swap holds the platform's outbound sends, lets
 * in-flight events finish, closes the platform's connections (revoking their health handles), unloads
 * the old plugin (releasing the executors lent to it), loads and starts the new one, reopens the
 * connections, waits until they are connected, and releases the held sends. If the new version fails to
 * load, start or connect, the previous jar — still in place, never overwritten — is loaded again.
 * After each unload a leak check watches the old class loader.
 *
 * <p>Jar layout: live jars sit directly in the plugins folder; operators drop new ones into
 * {@code incoming/} (or rename a finished copy into the folder itself); a swapped-out jar moves to
 * {@code .previous/}, a refused candidate to {@code incoming/rejected/}.
 */
public final class PluginReloader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PluginReloader.class);

    private final Path dir;
    private final PluginRuntime runtime;
    private final ConnectionRegistry connections;
    private final OutboundRouter router;
    private final HostMetrics metrics;
    private final Duration connectBound;
    private final Duration leakBound;
    private final Consumer<List<String>> platformsAdded;
    private final ExecutorService coordinator = Executors.newSingleThreadExecutor(DaemonThreads.factory("gatehouse-reload"));
    private final LeakCheck leaks = new LeakCheck();
    private final Map<String, String> lastErrors = new ConcurrentHashMap<>();
    private final FolderWatcher watcher;
    private final java.util.function.BiFunction<String, String, Integer> inFlight;

    /**
     * @param connectBound how long reopened connections may take to connect before the swap rolls back
     * @param leakBound how long an unloaded class loader may stay reachable before a leak is suspected
     * @param platformsAdded called with the platforms a newly installed plugin serves
     * @param inFlight events of (workspace, platform) still being handled
     */
    public PluginReloader(Path dir, PluginRuntime runtime, ConnectionRegistry connections, OutboundRouter router,
            HostMetrics metrics, Duration connectBound, Duration leakBound, Duration quietPeriod,
            Consumer<List<String>> platformsAdded, java.util.function.BiFunction<String, String, Integer> inFlight,
            Ticker ticker) {
        this.dir = dir;
        this.runtime = runtime;
        this.connections = connections;
        this.router = router;
        this.metrics = metrics;
        this.connectBound = connectBound;
        this.leakBound = leakBound;
        this.platformsAdded = platformsAdded;
        this.inFlight = inFlight;
        this.watcher = new FolderWatcher(dir, quietPeriod, ticker, this::onCandidate, this::onRemoved, runtime);
    }

    /** Watches the plugins folder (WatchService plus a periodic rescan) and applies what appears there. */
    public void watch(Scheduler scheduler) {
        watcher.start(scheduler);
    }

    private void onCandidate(Path jar) {
        install(jar, jar.getFileName().toString().endsWith(".force.jar"));
    }

    private void onRemoved(String pluginId) {
        coordinator.execute(() -> doRemove(pluginId));
    }

    /** Installs a jar: a new plugin, or a new version of a loaded one. */
    public CompletionStage<ReloadResult> install(Path jar, boolean force) {
        return CompletableFuture.supplyAsync(() -> record(doInstall(jar, force)), coordinator);
    }

    /** Restarts a plugin from its jar; picks up a newer jar with the same id waiting in {@code incoming/}. */
    public CompletionStage<ReloadResult> reload(String pluginId) {
        return CompletableFuture.supplyAsync(() -> {
            Optional<PluginJar> current = runtime.loadedJar(pluginId);
            if (current.isEmpty()) {
                return record(ReloadResult.rejected(pluginId, null, "no started plugin has id '" + pluginId + "'"));
            }
            return record(swap(current.get(), current.get(), true));
        }, coordinator);
    }

    private ReloadResult record(ReloadResult r) {
        metrics.pluginReload(r.pluginId(), r.outcome().label());
        if (r.reason() != null && (r.outcome() == Outcome.REJECTED || r.outcome() == Outcome.ROLLED_BACK)) {
            lastErrors.put(r.pluginId(), r.reason());
            log.error("plugin {}: {} — {}", r.pluginId(), r.outcome(), r.reason());
        } else {
            lastErrors.remove(r.pluginId());
            log.info("plugin {}: {} {} -> {} in {} ms", r.pluginId(), r.outcome(), r.fromVersion(), r.toVersion(),
                    r.took().toMillis());
        }
        return r;
    }

    private ReloadResult doInstall(Path candidate, boolean force) {
        PluginJar jar;
        try {
            jar = PluginJar.inspect(candidate);
        } catch (PluginJar.InvalidJarException e) {
            quarantine(candidate);
            return ReloadResult.rejected(e.id() == null ? candidate.getFileName().toString() : e.id(), e.version(), e.problem());
        }
        if (!runtime.requiresSatisfied(jar)) {
            quarantine(candidate);
            return ReloadResult.rejected(jar.id(), jar.version(), "requires host API '" + jar.requires()
                    + "' but this host implements " + dev.gatehouse.host.Version.API);
        }
        Optional<PluginJar> current = runtime.loadedJar(jar.id());
        if (current.isEmpty()) {
            return installNew(jar);
        }
        PluginJar old = current.get();
        int cmp = runtime.compareVersions(jar.version(), old.version());
        if (cmp < 0 && !force) {
            quarantine(candidate);
            return ReloadResult.rejected(jar.id(), jar.version(), "downgrade from " + old.version() + " to " + jar.version()
                    + " refused; to force it, name the file *.force.jar or call POST /plugins/" + jar.id() + "/reload?force=true");
        }
        if (cmp == 0 && !force && sameBytes(candidate, old.path())) {
            if (!candidate.equals(old.path())) {
                deleteQuietly(candidate);
            }
            return ReloadResult.rejected(jar.id(), jar.version(), "version " + jar.version() + " is already running");
        }
        if (cmp == 0 && !force) {
            quarantine(candidate);
            return ReloadResult.rejected(jar.id(), jar.version(), "version " + jar.version()
                    + " is already running with different content; bump the version or force it");
        }
        return swap(old, jar, false);
    }

    private ReloadResult installNew(PluginJar candidate) {
        long t0 = System.nanoTime();
        PluginJar jar = placeInFolder(candidate);
        runtime.forgetRejection(jar.path());
        PluginStatus s = runtime.load(jar);
        if (!"STARTED".equals(s.state())) {
            quarantine(jar.path());
            return ReloadResult.rejected(jar.id(), jar.version(), s.problem());
        }
        platformsAdded.accept(runtime.platformsOf(jar.id()));
        return new ReloadResult(jar.id(), Outcome.INSTALLED, null, jar.version(), Duration.ofNanos(System.nanoTime() - t0), null);
    }

    /** The swap itself. {@code restart} reloads the same jar file. */
    private ReloadResult swap(PluginJar old, PluginJar candidate, boolean restart) {
        long t0 = System.nanoTime();
        String id = old.id();
        List<String> platforms = runtime.platformsOf(id);
        List<ConnectionKey> keys = platforms.stream().flatMap(p -> connections.keysOf(p).stream()).toList();
        boolean reportGap = !runtime.redeliversUnacknowledgedEvents(id);
        keys.forEach(router::hold);
        try {
            drainInFlight(keys);
            boolean closed = awaitQuietly(connections.suspend(keys, "plugin " + id + " swap"), connectBound, keys);
            WeakReference<ClassLoader> oldLoader = new WeakReference<>(runtime.loaderOf(id).orElse(null));
            runtime.unload(id);
            leakCheck(id, oldLoader);
            PluginJar next = restart ? old : placeInFolder(candidate);
            runtime.forgetRejection(next.path());
            PluginStatus s = runtime.load(next);
            String failure = null;
            if (!"STARTED".equals(s.state())) {
                failure = "the new version did not start: " + s.problem();
            } else if (!closed) {
                // The old version's close hangs: the connections cannot reopen until it returns (never two
                // live sockets), so this says nothing about the new version. Keep it and report.
                connections.resumeAfterSwap(keys, reportGap);
                return new ReloadResult(id, Outcome.SWAPPED, old.version(), next.version(), since(t0), "the previous version's"
                        + " close hung past " + connectBound.toSeconds() + " s; its connections reopen once it returns,"
                        + " or the host's reconnect budget ends the process");
            } else {
                connections.resumeAfterSwap(keys, reportGap);
                failure = awaitConnected(keys);
                if (failure != null) {
                    awaitQuietly(connections.suspend(keys, "rolling back plugin " + id), connectBound, keys);
                    WeakReference<ClassLoader> failed = new WeakReference<>(runtime.loaderOf(id).orElse(null));
                    runtime.unload(id);
                    leakCheck(id, failed);
                }
            }
            if (failure != null) {
                if (restart) {
                    return new ReloadResult(id, Outcome.ROLLED_BACK, old.version(), null, since(t0), failure);
                }
                quarantine(next.path());
                PluginStatus back = runtime.load(old);
                connections.resumeAfterSwap(keys, reportGap);
                String detail = "STARTED".equals(back.state()) ? "" : "; the previous version failed too: " + back.problem();
                return new ReloadResult(id, Outcome.ROLLED_BACK, candidate.version(), old.version(), since(t0), failure + detail);
            }
            if (!restart && !next.path().equals(old.path())) {
                keepAsPrevious(old.path());
            }
            return new ReloadResult(id, Outcome.SWAPPED, old.version(), next.version(), since(t0), null);
        } finally {
            keys.forEach(router::release);
        }
    }

    private void doRemove(String id) {
        long t0 = System.nanoTime();
        List<ConnectionKey> keys = runtime.platformsOf(id).stream().flatMap(p -> connections.keysOf(p).stream()).toList();
        String version = runtime.loadedJar(id).map(PluginJar::version).orElse(null);
        awaitQuietly(connections.suspend(keys, "plugin " + id + " removed"), connectBound, keys);
        WeakReference<ClassLoader> oldLoader = new WeakReference<>(runtime.loaderOf(id).orElse(null));
        runtime.unload(id);
        leakCheck(id, oldLoader);
        record(new ReloadResult(id, Outcome.REMOVED, version, null, since(t0), null));
    }

    private void drainInFlight(List<ConnectionKey> keys) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < deadline
                && keys.stream().anyMatch(k -> inFlight.apply(k.workspace(), k.platform()) > 0)) {
            sleep(20);
        }
    }

    /** Null when every enabled connection of {@code keys} is connected within the bound, else why not. */
    private String awaitConnected(List<ConnectionKey> keys) {
        long deadline = System.nanoTime() + connectBound.toNanos();
        while (true) {
            List<String> waiting = new ArrayList<>();
            for (ConnectionKey k : keys) {
                if (!connections.isEnabled(k)) {
                    continue;
                }
                connections.get(k).map(e -> e.supervisor().status()).ifPresent(st -> {
                    if (st.state() == ConnectionState.FAILED) {
                        waiting.add(k + " FAILED (" + st.lastError() + ")");
                    } else if (st.state() != ConnectionState.CONNECTED) {
                        waiting.add(k + " " + st.state() + (st.lastError() == null ? "" : " (" + st.lastError() + ")"));
                    }
                });
            }
            if (waiting.isEmpty()) {
                return null;
            }
            if (System.nanoTime() > deadline || waiting.stream().anyMatch(w -> w.contains("FAILED"))) {
                return "the new version did not connect within " + connectBound.toSeconds() + " s: " + waiting;
            }
            sleep(25);
        }
    }

    private void leakCheck(String id, WeakReference<ClassLoader> loader) {
        leaks.watch(id, loader.get(), leakBound);
    }

    /** Moves a candidate to {@code <dir>/<id>-<version>.jar} (a new name: a live jar is never overwritten). */
    private PluginJar placeInFolder(PluginJar jar) {
        if (jar.path().getParent() != null && jar.path().toAbsolutePath().getParent().equals(dir.toAbsolutePath())) {
            return jar;
        }
        Path target = dir.resolve(jar.id() + "-" + jar.version() + ".jar");
        for (int n = 2; Files.exists(target); n++) {
            target = dir.resolve(jar.id() + "-" + jar.version() + "-" + n + ".jar");
        }
        try {
            Files.move(jar.path(), target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.copy(jar.path(), target);
                Files.delete(jar.path());
            } catch (IOException e2) {
                throw new IllegalStateException("cannot move " + jar.path() + " into " + dir + ": " + e2.getMessage(), e2);
            }
        }
        watcher.ignore(target);
        return new PluginJar(target, jar.id(), jar.version(), jar.requires(), jar.bundlesApi());
    }

    private void keepAsPrevious(Path oldJar) {
        try {
            Path prev = Files.createDirectories(dir.resolve(".previous"));
            Files.move(oldJar, prev.resolve(oldJar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            watcher.ignoreRemoval(oldJar);
        } catch (IOException e) {
            log.warn("cannot move the previous jar {} to .previous/: {}", oldJar, e.toString());
        }
    }

    private void quarantine(Path jar) {
        try {
            Path rejected = Files.createDirectories(dir.resolve("incoming").resolve("rejected"));
            Path target = rejected.resolve(jar.getFileName());
            Files.move(jar, target, StandardCopyOption.REPLACE_EXISTING);
            watcher.ignoreRemoval(jar);
        } catch (IOException e) {
            log.warn("cannot move refused jar {} to incoming/rejected/: {}", jar, e.toString());
        }
    }

    private static boolean sameBytes(Path a, Path b) {
        try {
            return Files.size(a) == Files.size(b) && Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b));
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** Waits for the connections to close; {@code false} if a close hung past its bound. */
    private boolean awaitQuietly(CompletionStage<?> stage, Duration bound, List<ConnectionKey> keys) {
        try {
            stage.toCompletableFuture().get(bound.toMillis() + 2000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("connections did not close within {} s; continuing the swap", bound.toSeconds());
            return false;
        }
        return keys.stream().map(connections::get).flatMap(Optional::stream).noneMatch(e -> {
            String w = e.supervisor().heartbeatWithheldBecause();
            return w != null && w.contains("hung");
        });
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The runtime's statuses with leak suspicion and the last reload error of each plugin. */
    public List<PluginStatus> statuses() {
        return runtime.statuses().stream().map(s -> new PluginStatus(s.id(), s.version(), s.state(), s.platforms(), s.jar(),
                s.problem() != null ? s.problem() : lastErrors.get(s.id()), leaks.isSuspected(s.id()))).toList();
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
