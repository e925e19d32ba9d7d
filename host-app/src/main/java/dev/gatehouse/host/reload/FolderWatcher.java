package dev.gatehouse.host.reload;

import dev.gatehouse.host.exec.DaemonThreads;
import dev.gatehouse.host.plugins.PluginRuntime;
import dev.gatehouse.host.time.Scheduler;
import dev.gatehouse.host.time.Ticker;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the plugins folder and its {@code incoming/} folder: a jar becomes a candidate once its size
 * and modification time stayed the same for a quiet period (a half-written jar is never offered); a
 * loaded plugin's jar that disappears is reported as removed. A WatchService wakes the scan early; a
 * periodic rescan catches what it misses (overflow, network file systems).
 *
 * <p>Scans run on a thread of their own: listing a folder may block (a network file system), and the
 * scheduler's thread also runs the supervisors and the heartbeat. Links are not followed: a link is
 * offered like a jar, so that the reloader refuses it with a reason.
 */
final class FolderWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FolderWatcher.class);
    private static final Duration RESCAN = Duration.ofSeconds(1);

    private record Seen(long size, long mtime, long stableSinceNanos) {
    }

    private final Path dir;
    private final Path incoming;
    private final Duration quiet;
    private final Ticker ticker;
    private final Consumer<Path> onCandidate;
    private final Consumer<String> onRemoved;
    private final PluginRuntime runtime;
    private final ExecutorService scanner = Executors.newSingleThreadExecutor(DaemonThreads.factory("gatehouse-plugin-scan"));
    /** Whether a scan is queued on {@link #scanner} and not yet begun: one is enough. */
    private final AtomicBoolean scanQueued = new AtomicBoolean();
    /** Guarded by this. */
    private final Map<Path, Seen> seen = new HashMap<>();
    /** Guarded by this: candidates already offered, by path and signature, so each is offered once. */
    private final Set<String> offered = new HashSet<>();
    /** Guarded by this: jars the reloader itself placed or moved away. */
    private final Set<Path> ignored = new HashSet<>();
    private final Set<Path> ignoredRemovals = new HashSet<>();
    private volatile boolean closed;
    private volatile Scheduler scheduler;
    private WatchService watchService;

    FolderWatcher(Path dir, Duration quiet, Ticker ticker, Consumer<Path> onCandidate, Consumer<String> onRemoved,
            PluginRuntime runtime) {
        this.dir = dir;
        this.incoming = dir.resolve("incoming");
        this.quiet = quiet;
        this.ticker = ticker;
        this.onCandidate = onCandidate;
        this.onRemoved = onRemoved;
        this.runtime = runtime;
    }

    void start(Scheduler s) {
        this.scheduler = s;
        try {
            Files.createDirectories(incoming);
            watchService = dir.getFileSystem().newWatchService();
            for (Path p : List.of(dir, incoming)) {
                p.register(watchService, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
            }
            Thread watchThread = new Thread(this::watchLoop, "gatehouse-plugin-watch");
            watchThread.setDaemon(true);
            watchThread.start();
        } catch (IOException e) {
            log.warn("cannot watch {} ({}); relying on the periodic rescan", dir, e.toString());
        }
        s.schedule(RESCAN, this::rescan);
    }

    private void watchLoop() {
        while (!closed) {
            try {
                var key = watchService.take();
                key.pollEvents();
                key.reset();
                requestScan();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
        }
    }

    private void rescan() {
        if (closed) {
            return;
        }
        requestScan();
        scheduler.schedule(RESCAN, this::rescan);
    }

    private void requestScan() {
        if (!closed && scanQueued.compareAndSet(false, true)) {
            try {
                scanner.execute(() -> {
                    scanQueued.set(false);
                    scanOnce();
                });
            } catch (RejectedExecutionException e) {
                scanQueued.set(false); // closing
            }
        }
    }

    /** One pass over both folders; hands candidates and removals to the reloader's thread. */
    synchronized void scanOnce() {
        if (closed) {
            return;
        }
        long now = ticker.nanos();
        Map<Path, BasicFileAttributes> present = new HashMap<>();
        for (Path folder : List.of(dir, incoming)) {
            try (Stream<Path> s = Files.list(folder)) {
                s.filter(p -> p.getFileName().toString().endsWith(".jar") && !p.getFileName().toString().startsWith("."))
                        .forEach(p -> attributes(p).ifPresent(a -> present.put(p, a)));
            } catch (IOException e) {
                // folder vanished or unreadable: try again next pass
            }
        }
        for (Map.Entry<Path, BasicFileAttributes> e : present.entrySet()) {
            Path p = e.getKey();
            if (ignored.contains(p) || runtime.pluginAt(p).isPresent()) {
                continue;
            }
            long size = e.getValue().size();
            long mtime = e.getValue().lastModifiedTime().toMillis();
            Seen prev = seen.get(p);
            if (prev == null || prev.size != size || prev.mtime != mtime) {
                seen.put(p, new Seen(size, mtime, now));
                continue;
            }
            String signature = p + "|" + size + "|" + mtime;
            if (now - prev.stableSinceNanos >= quiet.toNanos() && offered.add(signature)) {
                onCandidate.accept(p);
            }
        }
        seen.keySet().retainAll(present.keySet());
        for (String id : runtime.pluginIds()) {
            runtime.loadedJar(id).ifPresent(j -> {
                if (!present.containsKey(j.path()) && !Files.exists(j.path(), LinkOption.NOFOLLOW_LINKS)
                        && !ignoredRemovals.contains(j.path())) {
                    ignoredRemovals.add(j.path());
                    onRemoved.accept(id);
                }
            });
        }
    }

    /** A regular file or a link (never followed); nothing else is a candidate. */
    private static java.util.Optional<BasicFileAttributes> attributes(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isRegularFile() || a.isSymbolicLink() ? java.util.Optional.of(a) : java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    /** The reloader places a jar here: not a candidate, and its removal counts again if it was moved away before. */
    synchronized void placed(Path target) {
        ignored.add(target);
        ignoredRemovals.remove(target);
    }

    /** The reloader moves this jar away: not a removal. */
    synchronized void ignoreRemoval(Path moved) {
        ignoredRemovals.add(moved);
    }

    @Override
    public void close() {
        closed = true;
        scanner.shutdownNow();
        try {
            if (watchService != null) {
                watchService.close();
            }
        } catch (IOException ignoredOnClose) {
            // closing
        }
    }
}
