package dev.gatehouse.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs one recovery round's trials side by side. Trial {@code i} gets its fault at {@code i/n} of the
 * spread, so the trials sample every phase of the library's own timers (Slack's 5 s session monitor,
 * Discord's heartbeat) instead of all hitting the same one; a sustained fault is lifted after its
 * duration. From its start — the injection, or the lift of a sustained fault — each trial whose bot has
 * not handled an event yet gets a new one every {@link #PROBE_EVERY}, and is watched until the simulator
 * saw it connected again and its handler saw one of those events, or the timeout passed.
 */
final class TrialLoop {

    /** How often a trial still waiting for its first event gets another one. */
    static final Duration PROBE_EVERY = Duration.ofMillis(100);
    private static final long POLL_NANOS = Duration.ofMillis(5).toNanos();

    /** The moment a trial is timed from, on both clocks (simulator records use the wall clock). */
    record Mark(Instant wall, long nanos) {
        static Mark now() {
            return new Mark(Instant.now(), System.nanoTime());
        }

        double millisUntil(Instant later) {
            return Duration.between(wall, later).toNanos() / 1e6;
        }

        double millisUntilNanos(long laterNanos) {
            return (laterNanos - nanos) / 1e6;
        }
    }

    /** The trials of one round, as the loop needs to see them. */
    interface Trials {
        int size();

        /** Starts the fault of trial {@code i}. */
        void inject(int i);

        /** Ends what still lasts of trial {@code i}'s fault (a sustained fault's end; cleanup otherwise). */
        void lift(int i);

        /** Milliseconds from {@code t0} until trial {@code i} was connected again, if it is. */
        OptionalDouble connectedMillis(int i, Mark t0);

        /** Pushes one event to trial {@code i}; its id, or {@code null} if the simulator could not accept it. */
        String probe(int i);

        /** The handler records of the clients under test. */
        Arrivals arrivals();
    }

    /** Milliseconds per trial; NaN where it timed out. */
    record Result(double[] connected, double[] firstEvent) {
        int timeouts() {
            int n = 0;
            for (int i = 0; i < connected.length; i++) {
                if (Double.isNaN(connected[i]) || Double.isNaN(firstEvent[i])) {
                    n++;
                }
            }
            return n;
        }

        static List<Double> finite(double[] values) {
            return Arrays.stream(values).filter(v -> !Double.isNaN(v)).boxed().toList();
        }
    }

    private TrialLoop() {
    }

    /**
     * @param spread the window the injections are spread over
     * @param sustainedFor how long a sustained fault lasts before it is lifted and timing starts, or {@code null}
     */
    static Result run(Trials trials, Duration spread, Duration sustainedFor, Duration timeout) {
        int n = trials.size();
        double[] connected = new double[n];
        double[] firstEvent = new double[n];
        Arrays.fill(connected, Double.NaN);
        Arrays.fill(firstEvent, Double.NaN);
        Mark[] t0 = new Mark[n];
        boolean[] injected = new boolean[n];
        long[] injectAt = new long[n];
        long[] nextProbe = new long[n];
        List<List<String>> probes = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            probes.add(new ArrayList<>());
            injectAt[i] = start + spread.toNanos() * i / n;
        }
        int open = n;
        while (open > 0) {
            open = 0;
            for (int i = 0; i < n; i++) {
                long now = System.nanoTime();
                if (!injected[i]) {
                    if (now - injectAt[i] >= 0) {
                        Mark at = Mark.now();
                        trials.inject(i);
                        injected[i] = true;
                        t0[i] = sustainedFor == null ? at : null;
                        nextProbe[i] = at.nanos();
                    }
                } else if (t0[i] == null && now - injectAt[i] - sustainedFor.toNanos() >= 0) {
                    trials.lift(i);
                    t0[i] = Mark.now();
                    nextProbe[i] = t0[i].nanos();
                }
                if (t0[i] == null) {
                    open++;
                    continue;
                }
                if (System.nanoTime() - t0[i].nanos() - timeout.toNanos() >= 0) {
                    continue; // timed out: whatever is still NaN stays NaN
                }
                if (Double.isNaN(connected[i])) {
                    OptionalDouble c = trials.connectedMillis(i, t0[i]);
                    if (c.isPresent()) {
                        connected[i] = c.getAsDouble();
                    }
                }
                if (Double.isNaN(firstEvent[i])) {
                    OptionalLong seen = trials.arrivals().earliest(probes.get(i));
                    if (seen.isPresent()) {
                        firstEvent[i] = t0[i].millisUntilNanos(seen.getAsLong());
                    } else if (System.nanoTime() - nextProbe[i] >= 0) {
                        String id = trials.probe(i);
                        if (id != null) {
                            probes.get(i).add(id);
                        }
                        nextProbe[i] = System.nanoTime() + PROBE_EVERY.toNanos();
                    }
                }
                if (Double.isNaN(connected[i]) || Double.isNaN(firstEvent[i])) {
                    open++;
                }
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        for (int i = 0; i < n; i++) {
            trials.lift(i);
        }
        return new Result(connected, firstEvent);
    }
}
