package dev.gatehouse.host.heartbeat;

import dev.gatehouse.host.time.Scheduler;
import dev.gatehouse.host.time.Ticker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the watchdog heartbeat file — epoch milliseconds and a newline — atomically (temporary file
 * in the same folder, then rename), at most once per interval, on the supervisor thread. The write is
 * withheld while any connection asks for it (stale with the network up, reconnecting, or a plugin
 * call hung), so an external watchdog restarts a process that cannot heal itself. A failed write is
 * logged and retried at the next interval; the file then simply ages.
 *
 * <p>Withholding the file is a verdict on the connections, for single-bot setups whose watchdog watches
 * a file. Whether the <em>process</em> makes progress ({@code /livez}, systemd's watchdog) is a separate
 * question: {@link #isProgressing()} — this writer's own loop, and a pulse through the executor that
 * runs the supervisors, both within three intervals.
 */
public final class HeartbeatWriter {

    private static final Logger log = LoggerFactory.getLogger(HeartbeatWriter.class);

    private final Path file;
    private final Duration interval;
    private final Scheduler scheduler;
    private final Ticker ticker;
    private final Clock clock;
    private final Supplier<List<String>> withholdReasons;
    private final Executor supervision;
    /** Written on the scheduler thread, read by any. */
    private volatile long lastPulseNanos;
    /** Written on a supervision thread, read by any. */
    private volatile long lastSupervisionPulseNanos;
    private volatile HeartbeatStatus status;
    private volatile boolean running;
    /** Held by a beat while it runs: {@link #stop()} takes it, so no write is in flight once stop returns. */
    private final java.util.concurrent.locks.ReentrantLock beating = new java.util.concurrent.locks.ReentrantLock();
    private volatile boolean errorLogged;

    /**
     * @param file the heartbeat file, or {@code null} to only track liveness
     * @param withholdReasons every current reason to withhold; empty means healthy
     */
    public HeartbeatWriter(Path file, Duration interval, Scheduler scheduler, Ticker ticker, Clock clock,
            Supplier<List<String>> withholdReasons) {
        this(file, interval, scheduler, ticker, clock, withholdReasons, Runnable::run);
    }

    /**
     * @param file the heartbeat file, or {@code null} to only track liveness
     * @param withholdReasons every current reason to withhold; empty means healthy
     * @param supervision the executor the supervisors run on; a pulse through it proves it makes progress
     */
    public HeartbeatWriter(Path file, Duration interval, Scheduler scheduler, Ticker ticker, Clock clock,
            Supplier<List<String>> withholdReasons, Executor supervision) {
        this.file = file;
        this.interval = interval;
        this.scheduler = scheduler;
        this.ticker = ticker;
        this.clock = clock;
        this.withholdReasons = withholdReasons;
        this.supervision = supervision;
        this.status = new HeartbeatStatus(file == null ? null : file.toString(), null, false, List.of(), null);
    }

    public void start() {
        running = true;
        lastPulseNanos = ticker.nanos();
        lastSupervisionPulseNanos = lastPulseNanos;
        scheduler.execute(this::beat);
    }

    /**
     * Stops the writes. Returns once a write in flight has finished (bounded: 5 s, file I/O only), so a
     * caller may remove the heartbeat's folder right after.
     */
    public void stop() {
        running = false;
        try {
            if (beating.tryLock(5, java.util.concurrent.TimeUnit.SECONDS)) {
                beating.unlock();
            } else {
                log.warn("a heartbeat write to {} is still running 5 s into shutdown", file);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void beat() {
        beating.lock();
        try {
            if (running) {
                beatOnce();
            }
        } finally {
            beating.unlock();
        }
    }

    private void beatOnce() {
        lastPulseNanos = ticker.nanos();
        try {
            supervision.execute(() -> lastSupervisionPulseNanos = ticker.nanos());
        } catch (RejectedExecutionException e) {
            return; // shutting down
        }
        try {
            pulse();
        } catch (RuntimeException e) {
            log.error("heartbeat check failed: {}", e.toString(), e);
        } finally {
            scheduler.schedule(interval, this::beat);
        }
    }

    private void pulse() {
        List<String> reasons = withholdReasons.get();
        HeartbeatStatus s = status;
        if (!reasons.isEmpty()) {
            if (!s.withheld()) {
                log.warn("heartbeat withheld: {}", String.join("; ", reasons));
            }
            status = new HeartbeatStatus(s.file(), s.lastWrite(), true, List.copyOf(reasons), s.lastError());
        } else if (file == null) {
            status = new HeartbeatStatus(null, s.lastWrite(), false, List.of(), null);
        } else {
            Instant now = clock.instant();
            try {
                write(now);
                if (s.lastError() != null || s.withheld()) {
                    log.info("heartbeat written to {} again", file);
                }
                errorLogged = false;
                status = new HeartbeatStatus(s.file(), now, false, List.of(), null);
            } catch (IOException | RuntimeException e) {
                String err = e.getClass().getSimpleName() + ": " + e.getMessage();
                if (!errorLogged) {
                    log.error("heartbeat write to {} failed ({}); retrying every {} s, the file ages meanwhile", file, err,
                            interval.toSeconds());
                    errorLogged = true;
                }
                status = new HeartbeatStatus(s.file(), s.lastWrite(), false, List.of(), err);
            }
        }
    }

    private void write(Instant now) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Files.write(tmp, (now.toEpochMilli() + "\n").getBytes(StandardCharsets.US_ASCII));
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The scheduler thread ran this writer, and the supervision executor ran its pulse, within three intervals. */
    public boolean isProgressing() {
        long now = ticker.nanos();
        long bound = 3 * interval.toNanos();
        return running && now - lastPulseNanos <= bound && now - lastSupervisionPulseNanos <= bound;
    }

    public HeartbeatStatus status() {
        return status;
    }
}
