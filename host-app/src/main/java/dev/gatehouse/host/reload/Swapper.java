package dev.gatehouse.host.reload;

import dev.gatehouse.host.connections.ConnectionRegistry;
import dev.gatehouse.host.plugins.PluginJar;
import dev.gatehouse.host.plugins.PluginPhase;
import dev.gatehouse.host.plugins.PluginRuntime;
import dev.gatehouse.host.plugins.PluginStatus;
import dev.gatehouse.host.reload.ReloadResult.Outcome;
import dev.gatehouse.host.plugins.PluginRuntime.GatewayBinding;
import dev.gatehouse.host.supervisor.ConnectionKey;
import dev.gatehouse.host.supervisor.HandoverResult;
import dev.gatehouse.host.supervisor.Transport;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The steps that change which plugin version runs, on the reload thread, make before break. The new jar
 * is validated, placed in the plugins folder and started beside the running version (staged); a jar
 * that does not start is rejected and nothing else is touched. Each connected connection is then
 * handed over to a new connection on the staged version (its supervisor opens it, waits until it is
 * connected, then closes the old one); if every handover succeeds the new version is promoted, the
 * connections that were not connected (nothing live to keep) reopen on it, and the old version unloads
 * once its last close returned. If one does not connect, the moved connections go back the same way
 * and the staged version unloads: the running version never stopped serving.
 */
final class Swapper {

    /** A restart reloads the running jar; an upgrade (or forced downgrade) replaces it. */
    enum Kind { RESTART, UPGRADE }

    private final PluginRuntime runtime;
    private final ConnectionRegistry connections;
    private final Waits waits;
    private final JarFolder jars;
    private final LeakCheck leaks;
    private final Duration leakBound;
    private final Duration connectBound;
    private final Consumer<List<String>> platformsAdded;
    /** Why a plugin's connections are stopped, by plugin id; read by status. */
    private final Map<String, String> problems;
    /** The platforms each plugin served when it was last unloaded, for a problem written afterwards. */
    private final Map<String, List<String>> lastPlatforms = new ConcurrentHashMap<>();

    Swapper(PluginRuntime runtime, ConnectionRegistry connections, Waits waits, JarFolder jars, LeakCheck leaks,
            Duration leakBound, Duration connectBound, Consumer<List<String>> platformsAdded, Map<String, String> problems) {
        this.runtime = runtime;
        this.connections = connections;
        this.waits = waits;
        this.jars = jars;
        this.leaks = leaks;
        this.leakBound = leakBound;
        this.connectBound = connectBound;
        this.platformsAdded = platformsAdded;
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
        PluginStatus staged = runtime.stage(next);
        if (!PluginPhase.STAGED.name().equals(staged.state())) {
            if (kind == Kind.UPGRADE) {
                jars.quarantine(next.path());
            }
            return new ReloadResult(id, Outcome.ROLLED_BACK, next.version(), current.version(), waits.since(t0),
                    (kind == Kind.RESTART ? "the plugin did not start again: " : "the new version did not start: ")
                    + staged.problem() + "; version " + current.version() + " keeps running, its connections untouched");
        }
        List<ConnectionKey> keys = keysOf(runtime.platformsOf(id));
        boolean reportGap = !runtime.redeliversUnacknowledgedEvents(id);
        ClassLoader oldLoader = runtime.loaderOf(id).orElse(null);
        Map<ConnectionKey, HandoverResult> handed = handOver(keys, k -> transportOn(k, runtime.stagedGateway(id, k.platform())),
                "plugin " + id + " swap to " + next.version());
        Optional<String> failed = handed.values().stream().filter(r -> r.outcome() == HandoverResult.Outcome.FAILED)
                .map(HandoverResult::detail).findFirst();
        if (failed.isPresent()) {
            return rollBack(current, next, kind, keys, handed, failed.get(), t0);
        }
        // The others have nothing live to keep: closed now, opened on the new version once it serves.
        List<ConnectionKey> rest = new ArrayList<>(keys.stream().filter(k -> !handed.get(k).handedOver()).toList());
        boolean restClosed = suspend(List.copyOf(rest), "plugin " + id + " swap");
        long old = runtime.promote(id);
        platformsAdded.accept(runtime.platformsOf(id));
        // Again: a connection configured during the swap opened on the old version.
        List<ConnectionKey> now = keysOf(runtime.platformsOf(id));
        boolean closed = quiesced(now) && restClosed;
        if (closed) {
            moveStragglers(now, oldLoader, rest);
            quiesced(now);
        }
        unload(id, old, oldLoader);
        connections.resumeAfterSwap(rest, reportGap);
        problems.remove(id);
        if (kind == Kind.UPGRADE && !next.path().equals(current.path())) {
            jars.keepAsPrevious(current.path());
        }
        return new ReloadResult(id, Outcome.SWAPPED, current.version(), next.version(), waits.since(t0), closed ? null
                : "the previous version's close hung: not returned " + connectBound.plusSeconds(2).toMillis()
                + " ms after the new version took over; it was unloaded all the same, and a restart is recommended if"
                + " its threads stay");
    }

    /**
     * Hands each CONNECTED, enabled connection this host owns over to a new connection on {@code target}, all at once, and
     * waits for the results (each bounded by its supervisor; this wait is a safety net).
     */
    private Map<ConnectionKey, HandoverResult> handOver(List<ConnectionKey> keys,
            java.util.function.Function<ConnectionKey, Optional<Transport>> target, String cause) {
        Map<ConnectionKey, CompletableFuture<HandoverResult>> pending = new LinkedHashMap<>();
        Duration spacing = Duration.ZERO;
        for (ConnectionKey k : keys) {
            Optional<ConnectionRegistry.Entry> e = connections.get(k).filter(x -> connections.shouldRun(k));
            Optional<Transport> t = target.apply(k);
            if (t.isPresent() && t.get().minimumOpenInterval().compareTo(spacing) > 0) {
                spacing = t.get().minimumOpenInterval();
            }
            pending.put(k, e.isPresent() && t.isPresent()
                    ? e.get().supervisor().handover(t.get(), cause).toCompletableFuture()
                    : CompletableFuture.completedFuture(new HandoverResult(HandoverResult.Outcome.NOT_RUNNING, null)));
        }
        Duration bound = connectBound.plus(spacing).plusSeconds(2);
        waits.within(CompletableFuture.allOf(pending.values().toArray(CompletableFuture[]::new)), bound);
        Map<ConnectionKey, HandoverResult> results = new LinkedHashMap<>();
        pending.forEach((k, f) -> results.put(k, f.getNow(new HandoverResult(HandoverResult.Outcome.FAILED,
                "no new connection within " + bound.toMillis() + " ms"))));
        return results;
    }

    /** The connection's own transport: it opens on the version that serves. */
    private Optional<Transport> ownTransport(ConnectionKey k) {
        return connections.get(k).map(ConnectionRegistry.Entry::transport);
    }

    private Optional<Transport> transportOn(ConnectionKey k, Optional<GatewayBinding> version) {
        return version.flatMap(v -> connections.get(k).map(e -> e.transport().on(v)));
    }

    /**
     * A new version did not connect: the connections it took over go back to the running version (again
     * make before break), and it is unloaded. The running version never stopped serving.
     */
    private ReloadResult rollBack(PluginJar current, PluginJar next, Kind kind, List<ConnectionKey> keys,
            Map<ConnectionKey, HandoverResult> handed, String failure, long t0) {
        String id = current.id();
        ClassLoader stagedLoader = runtime.stagedLoader(id).orElse(null);
        List<ConnectionKey> moved = keys.stream().filter(k -> handed.get(k).handedOver()).toList();
        Map<ConnectionKey, HandoverResult> back = handOver(moved, this::ownTransport, "rolling back plugin " + id);
        List<ConnectionKey> stuck = new ArrayList<>(moved.stream().filter(k -> !back.get(k).handedOver()).toList());
        suspend(List.copyOf(stuck), "rolling back plugin " + id); // could not be handed back: closed, and reopened below
        if (quiesced(keys)) {
            moveStragglers(keys, stagedLoader, stuck);
            quiesced(keys);
        }
        unload(id, runtime.stagedGeneration(id), stagedLoader);
        connections.resumeAfterSwap(stuck, !runtime.redeliversUnacknowledgedEvents(id));
        if (kind == Kind.UPGRADE) {
            jars.quarantine(next.path());
        }
        problems.remove(id);
        String what = kind == Kind.RESTART ? "the restarted plugin did not connect: " : "the new version did not connect: ";
        return new ReloadResult(id, Outcome.ROLLED_BACK, next.version(), current.version(), waits.since(t0),
                what + failure + "; version " + current.version() + " kept serving");
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
        unload(id, runtime.generation(id), runtime.loaderOf(id).orElse(null));
    }

    /** Unloads one version of a plugin and watches its class loader for a leak. */
    private void unload(String id, long generation, ClassLoader loader) {
        WeakReference<ClassLoader> ref = new WeakReference<>(loader);
        runtime.unload(id, generation);
        leaks.watch(id, ref.get(), leakBound);
    }

    /**
     * A connection that opened on the version being unloaded after its handover (a manual reconnect or a
     * settings change during the swap) is moved off it too: handed over to the version that serves now,
     * or closed and added to {@code rest}, to be reopened.
     */
    private void moveStragglers(List<ConnectionKey> keys, ClassLoader leaving, List<ConnectionKey> rest) {
        if (leaving == null) {
            return;
        }
        List<ConnectionKey> on = keys.stream().filter(k -> !rest.contains(k)).filter(k -> connections.get(k)
                .map(e -> e.transport().borrows(leaving)).orElse(false)).toList();
        Map<ConnectionKey, HandoverResult> moved = handOver(on, this::ownTransport, "moving off a plugin version that unloads");
        List<ConnectionKey> stopped = on.stream().filter(k -> !moved.get(k).handedOver()).toList();
        suspend(stopped, "its plugin version unloads");
        rest.addAll(stopped);
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

    /**
     * Closes the connections and waits until no open or close of theirs is in flight (a stop completes
     * after {@code closeTimeout} even while an open still runs, and the old version must not be unloaded
     * before that open returned and its connection was closed on its own class loader); {@code false} if
     * a call hung past its bound.
     */
    private boolean suspend(List<ConnectionKey> keys, String cause) {
        if (keys.isEmpty()) {
            return true;
        }
        boolean inTime = waits.within(connections.suspend(keys, cause), connectBound.plusSeconds(2));
        return inTime && quiesced(keys);
    }

    /** Waits (bounded) until no open or close of these connections is in flight; {@code false} if one hung. */
    private boolean quiesced(List<ConnectionKey> keys) {
        CompletableFuture<?>[] quiet = keys.stream().map(connections::get).flatMap(Optional::stream)
                .map(e -> e.supervisor().quiesced().toCompletableFuture()).toArray(CompletableFuture[]::new);
        boolean quiesced = waits.within(CompletableFuture.allOf(quiet), connectBound.plusSeconds(2));
        return quiesced && keys.stream().map(connections::get).flatMap(Optional::stream)
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
