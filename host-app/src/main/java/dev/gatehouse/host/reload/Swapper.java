package dev.gatehouse.host.reload;

import dev.gatehouse.host.connections.ConnectionRegistry;
import dev.gatehouse.host.outbound.OutboundRouter;
import dev.gatehouse.host.plugins.PluginJar;
import dev.gatehouse.host.plugins.PluginPhase;
import dev.gatehouse.host.plugins.PluginRuntime;
import dev.gatehouse.host.plugins.PluginStatus;
import dev.gatehouse.host.reload.ReloadResult.Outcome;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.supervisor.ConnectionKey;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The steps that change which plugin version runs, on the reload thread. Everything that can be
 * checked or prepared without touching the running version comes first (the new jar is validated and
 * placed in the plugins folder); then the platform's gateways are withheld, sends held, connections
 * closed, the old version unloaded and the new one started. Whatever happens after that, the swap ends
 * with a version running and its enabled connections reopened, or with no version running, its
 * connections stopped and a problem in status that says why.
 */
final class Swapper {

    /** A restart reloads the running jar; an upgrade (or forced downgrade) replaces it. */
    enum Kind { RESTART, UPGRADE }

    private final PluginRuntime runtime;
    private final ConnectionRegistry connections;
    private final OutboundRouter router;
    private final Waits waits;
    private final JarFolder jars;
    private final LeakCheck leaks;
    private final Duration leakBound;
    private final Duration connectBound;
    private final Consumer<List<String>> platformsAdded;
    private final BiFunction<String, String, Integer> inFlight;
    /** Why a plugin's connections are stopped, by plugin id; read by status. */
    private final Map<String, String> problems;
    /** The platforms each plugin served when it was last unloaded, for a problem written afterwards. */
    private final Map<String, List<String>> lastPlatforms = new ConcurrentHashMap<>();

    Swapper(PluginRuntime runtime, ConnectionRegistry connections, OutboundRouter router, Waits waits, JarFolder jars,
            LeakCheck leaks, Duration leakBound, Duration connectBound, Consumer<List<String>> platformsAdded,
            BiFunction<String, String, Integer> inFlight, Map<String, String> problems) {
        this.runtime = runtime;
        this.connections = connections;
        this.router = router;
        this.waits = waits;
        this.jars = jars;
        this.leaks = leaks;
        this.leakBound = leakBound;
        this.connectBound = connectBound;
        this.platformsAdded = platformsAdded;
        this.inFlight = inFlight;
        this.problems = problems;
    }

    /** Installs a plugin no version of which runs, and reopens connections that waited for it. */
    ReloadResult installNew(PluginJar candidate, long t0) {
        PluginJar jar;
        try {
            jar = jars.place(candidate);
        } catch (IOException e) {
            jars.quarantine(candidate.path());
            return ReloadResult.rejected(candidate.id(), candidate.version(), cannotPlace(candidate, e, null), waits.since(t0));
        }
        runtime.forgetRejection(jar.path());
        PluginStatus s = runtime.load(jar);
        if (!started(s)) {
            jars.quarantine(jar.path());
            return ReloadResult.rejected(jar.id(), jar.version(), s.problem(), waits.since(t0));
        }
        reopen(jar.id(), keysOf(runtime.platformsOf(jar.id())));
        return new ReloadResult(jar.id(), Outcome.INSTALLED, null, jar.version(), waits.since(t0), null);
    }

    /** Replaces (or restarts) a running plugin; see the class comment for the order of steps. */
    ReloadResult swap(PluginJar current, PluginJar candidate, Kind kind, long t0) {
        String id = current.id();
        PluginJar next = current;
        if (kind == Kind.UPGRADE) {
            try {
                next = jars.place(candidate);
            } catch (IOException e) {
                jars.quarantine(candidate.path());
                return ReloadResult.rejected(id, candidate.version(), cannotPlace(candidate, e, current.version()), waits.since(t0));
            }
            runtime.forgetRejection(next.path());
        }
        List<String> platforms = runtime.platformsOf(id);
        boolean reportGap = !runtime.redeliversUnacknowledgedEvents(id);
        // From here no connection opens on this plugin until the swap ends: one added, enabled or given new
        // settings meanwhile waits (and is reopened below) instead of opening on a version being unloaded.
        runtime.withhold(id);
        List<ConnectionKey> keys = keysOf(platforms);
        List<ConnectionKey> wereConnected = keys.stream().filter(this::isConnected).toList();
        keys.forEach(router::hold);
        try {
            drainInFlight(keys);
            long closing = waits.nanos();
            boolean closed = suspend(keys, "plugin " + id + " swap");
            Duration closeTook = waits.since(closing);
            unload(id);
            PluginStatus s = runtime.load(next);
            String failure;
            if (started(s)) {
                runtime.serve(id);
                reopen(id, keys, reportGap);
                if (!closed) {
                    // The old version's close hangs: the connections cannot reopen until it returns (never two
                    // live sockets), so this says nothing about the new version. Keep it and report.
                    return done(current, next, kind, t0, "the previous version's close hung: not returned " + closeTook.toMillis()
                            + " ms after the swap closed its connections; they reopen once it returns, or the host's"
                            + " reconnect budget ends the process");
                }
                Optional<String> unsettled = new Verdict(connections, waits, connectBound).await(wereConnected);
                if (unsettled.isEmpty()) {
                    return done(current, next, kind, t0, null);
                }
                if (kind == Kind.RESTART) {
                    return done(current, next, kind, t0, unsettled.get() + "; the same jar runs again, so there is nothing"
                            + " to roll back to: the connections keep retrying on their own");
                }
                failure = "the new version did not connect: " + unsettled.get();
                runtime.withhold(id);
                suspend(keys, "rolling back plugin " + id);
                unload(id);
            } else {
                failure = (kind == Kind.RESTART ? "the plugin did not start again: " : "the new version did not start: ")
                        + s.problem();
            }
            return rollBack(current, next, kind, failure, t0);
        } finally {
            runtime.serve(id);
            reopen(id, keys, reportGap);
            keys.forEach(router::release);
        }
    }

    private ReloadResult done(PluginJar current, PluginJar next, Kind kind, long t0, String note) {
        if (kind == Kind.UPGRADE && !next.path().equals(current.path())) {
            jars.keepAsPrevious(current.path());
        }
        problems.remove(current.id());
        return new ReloadResult(current.id(), Outcome.SWAPPED, current.version(), next.version(), waits.since(t0), note);
    }

    private ReloadResult rollBack(PluginJar current, PluginJar next, Kind kind, String failure, long t0) {
        String id = current.id();
        if (kind == Kind.UPGRADE) {
            jars.quarantine(next.path());
            PluginStatus back = runtime.load(current);
            if (started(back)) {
                problems.remove(id);
                return new ReloadResult(id, Outcome.ROLLED_BACK, next.version(), current.version(), waits.since(t0), failure);
            }
            failure += "; the previous version " + current.version() + " did not start again either: " + back.problem();
        }
        problems.put(id, "no version of plugin " + id + " runs (" + failure + "); its connections " + keysOf(platformsOf(id))
                + " stay stopped until a working jar is installed into plugins/incoming/");
        return new ReloadResult(id, Outcome.FAILED, current.version(), null, waits.since(t0), failure);
    }

    /** The plugin's jar is gone: close its connections, unload it, and say in status why they are stopped. */
    ReloadResult remove(String id, long t0) {
        Optional<PluginJar> jar = runtime.loadedJar(id);
        List<String> platforms = runtime.platformsOf(id);
        runtime.withhold(id);
        try {
            List<ConnectionKey> keys = keysOf(platforms);
            suspend(keys, "plugin " + id + " removed: its jar is gone");
            unload(id);
            problems.put(id, "plugin " + id + " was removed (its jar " + jar.map(j -> j.path().getFileName().toString()).orElse("?")
                    + " is gone): " + keys + " stay stopped until a jar serving " + platforms
                    + " is installed into plugins/incoming/");
        } finally {
            runtime.serve(id);
        }
        return new ReloadResult(id, Outcome.REMOVED, jar.map(PluginJar::version).orElse(null), null, waits.since(t0), null);
    }

    private List<String> platformsOf(String id) {
        return lastPlatforms.getOrDefault(id, List.of());
    }

    private void unload(String id) {
        lastPlatforms.put(id, runtime.platformsOf(id));
        WeakReference<ClassLoader> loader = new WeakReference<>(runtime.loaderOf(id).orElse(null));
        runtime.unload(id);
        leaks.watch(id, loader.get(), leakBound);
    }

    /** Reopens the enabled connections of a plugin that runs now, and opens configured ones that waited for it. */
    private void reopen(String id, List<ConnectionKey> keys, boolean reportGap) {
        if (!runtime.pluginIds().contains(id)) {
            return; // nothing serves them: they stay stopped, and problems says why
        }
        List<String> served = runtime.platformsOf(id);
        connections.resumeAfterSwap(keys.stream().filter(k -> served.contains(k.platform())).toList(), reportGap);
        platformsAdded.accept(served);
    }

    private void reopen(String id, List<ConnectionKey> keys) {
        reopen(id, keys, !runtime.redeliversUnacknowledgedEvents(id));
        problems.remove(id);
    }

    private List<ConnectionKey> keysOf(List<String> platforms) {
        return platforms.stream().flatMap(p -> connections.keysOf(p).stream()).toList();
    }

    private boolean isConnected(ConnectionKey k) {
        return connections.isEnabled(k) && connections.get(k)
                .map(e -> e.supervisor().status().state() == ConnectionState.CONNECTED).orElse(false);
    }

    /** Lets events already being handled finish (at most 2 s) before their connections close. */
    private void drainInFlight(List<ConnectionKey> keys) {
        long deadline = waits.nanos() + Duration.ofSeconds(2).toNanos();
        waits.until(Duration.ofMillis(20), () -> waits.nanos() >= deadline
                || keys.stream().allMatch(k -> inFlight.apply(k.workspace(), k.platform()) == 0)
                ? Optional.of(Boolean.TRUE) : Optional.empty());
    }

    /**
     * Closes the connections and waits until no open or close of theirs is in flight (a stop completes
     * after {@code closeTimeout} even while an open still runs, and the old version must not be unloaded
     * before that open returned and its connection was closed on its own class loader); {@code false} if
     * a call hung past its bound.
     */
    private boolean suspend(List<ConnectionKey> keys, String cause) {
        boolean inTime = waits.within(connections.suspend(keys, cause), connectBound.plusSeconds(2));
        CompletableFuture<?>[] quiet = keys.stream().map(connections::get).flatMap(Optional::stream)
                .map(e -> e.supervisor().quiesced().toCompletableFuture()).toArray(CompletableFuture[]::new);
        boolean quiesced = waits.within(CompletableFuture.allOf(quiet), connectBound.plusSeconds(2));
        return inTime && quiesced && keys.stream().map(connections::get).flatMap(Optional::stream)
                .noneMatch(e -> e.supervisor().hasHungCall());
    }

    private static boolean started(PluginStatus s) {
        return PluginPhase.STARTED.name().equals(s.state());
    }

    private String cannotPlace(PluginJar candidate, IOException e, String running) {
        return "cannot move " + candidate.path().getFileName() + " into the plugins folder " + jars.dir() + " (" + e
                + ")" + (running == null ? "" : "; version " + running + " keeps running, nothing was touched")
                + ": make the plugins folder writable and drop the jar again";
    }
}
