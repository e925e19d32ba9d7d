package dev.gatehouse.host.testing;

import dev.gatehouse.api.GatewayConnection;
import dev.gatehouse.api.GatewayHealth;
import dev.gatehouse.host.supervisor.AttemptHandle;
import dev.gatehouse.host.supervisor.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A transport the test drives: it decides how each open behaves, holds every connection's health
 * handle, and counts live connections from the start of {@code open} to the end of {@code close}, so
 * tests can assert that one workspace never had more than two at once, and two only during a handover
 * (an open that began while another connection was live).
 */
public final class DrivenTransport implements Transport {

    /** How an open behaves. */
    public enum OpenMode {
        /** Reports connected before open returns (like Tyrus). */
        CONNECT_BEFORE_RETURN,
        /** Returns, then the test or a scheduled task reports connected. */
        RETURN_ONLY,
        /** Throws. */
        THROW,
        /** Reports fatal, then throws. */
        FATAL,
        /** Blocks until {@link #release()} (needs a real executor). */
        HANG,
        /** Blocks until {@link #openGate()}, then returns a connection without reporting it (needs a real executor). */
        GATED
    }

    public final class Conn implements GatewayConnection {
        public final long epoch;
        public final GatewayHealth health;
        public volatile boolean closed;

        Conn(AttemptHandle a) {
            this.epoch = a.epoch();
            this.health = a.health();
        }

        @Override
        public String post(String channelId, String text) {
            return "m-" + epoch;
        }

        @Override
        public String reply(String channelId, String threadId, String text) {
            return "r-" + epoch;
        }

        @Override
        public void edit(String channelId, String messageId, String text) {
        }

        @Override
        public void delete(String channelId, String messageId) {
        }

        @Override
        public void react(String channelId, String messageId, String emoji) {
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final FakeTime time;
    public volatile OpenMode mode = OpenMode.CONNECT_BEFORE_RETURN;
    public volatile boolean networkUp = true;
    public volatile boolean hangClose;
    /** When set, probes stay pending until the test completes them. */
    public volatile boolean manualProbes;
    public final List<CompletableFuture<Boolean>> pendingProbes = new ArrayList<>();
    public final List<Conn> connections = new ArrayList<>();
    public final List<Duration> openTimes = new ArrayList<>();
    public final List<AttemptHandle> attempts = new ArrayList<>();
    public int probes;
    /** The platform's minimum interval between session starts, as the transport reports it. */
    public volatile Duration minimumOpenInterval = Duration.ZERO;
    /** "open N" and "close N" in the order the calls began and ended. */
    public final List<String> calls = new ArrayList<>();
    private int live;
    private int maxLive;
    private int overlappingOpens;
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch gate = new CountDownLatch(1);
    private Function<AttemptHandle, Void> onOpen = a -> null;

    public DrivenTransport(FakeTime time) {
        this.time = time;
    }

    /** Runs extra behaviour inside every open (after the mode's own). */
    public void onOpen(Function<AttemptHandle, Void> hook) {
        this.onOpen = hook;
    }

    @Override
    public GatewayConnection open(AttemptHandle a) throws Exception {
        synchronized (this) {
            attempts.add(a);
            openTimes.add(time.elapsed());
            calls.add("open " + a.epoch());
            if (live > 0) {
                overlappingOpens++;
            }
            live++;
            maxLive = Math.max(maxLive, live);
        }
        try {
            switch (mode) {
                case THROW -> throw new java.io.IOException("connection refused");
                case FATAL -> {
                    a.health().markFatal("invalid_auth: the token was revoked; issue a new one");
                    throw new IllegalStateException("invalid_auth");
                }
                case HANG -> {
                    release.await(60, TimeUnit.SECONDS);
                    throw new java.io.IOException("released after hanging");
                }
                case GATED -> {
                    if (!gate.await(60, TimeUnit.SECONDS)) {
                        throw new java.io.IOException("gate never opened");
                    }
                }
                case CONNECT_BEFORE_RETURN -> a.health().markConnected(false);
                case RETURN_ONLY -> { }
            }
        } catch (Exception e) {
            synchronized (this) {
                live--;
            }
            throw e;
        }
        Conn c = new Conn(a);
        synchronized (this) {
            connections.add(c);
        }
        onOpen.apply(a);
        return c;
    }

    @Override
    public void close(GatewayConnection connection, AttemptHandle attempt) {
        if (hangClose) {
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (connection != null) {
            connection.close();
        }
        synchronized (this) {
            live--;
            calls.add("close " + attempt.epoch());
        }
    }

    @Override
    public Duration minimumOpenInterval() {
        return minimumOpenInterval;
    }

    @Override
    public synchronized CompletionStage<Boolean> networkUp() {
        probes++;
        if (manualProbes) {
            CompletableFuture<Boolean> f = new CompletableFuture<>();
            pendingProbes.add(f);
            return f;
        }
        return CompletableFuture.completedFuture(networkUp);
    }

    /** Lets {@link OpenMode#GATED} opens return. */
    public void openGate() {
        gate.countDown();
    }

    /** Unblocks hung opens and closes. */
    public void release() {
        release.countDown();
    }

    public synchronized Conn current() {
        return connections.get(connections.size() - 1);
    }

    public synchronized int opens() {
        return attempts.size();
    }

    public synchronized int live() {
        return live;
    }

    public synchronized int maxLive() {
        return maxLive;
    }

    /** Opens that began while another connection of this transport was live. */
    public synchronized int overlappingOpens() {
        return overlappingOpens;
    }
}
