package dev.gatehouse.host.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;

/**
 * The server side of the test plugin's loopback protocol (see the test-gateway-plugin module), on
 * 127.0.0.1 with an ephemeral port. Also answers the host's HTTP network probe.
 */
public final class LoopbackServer implements AutoCloseable {

    /** One accepted plugin connection. */
    public final class Conn {
        public final String workspace;
        public final long epoch;
        public final String plugin;
        public final List<String> received = new CopyOnWriteArrayList<>();
        private final Socket socket;
        private final Writer out;
        public volatile boolean closed;

        Conn(Socket socket, String workspace, long epoch, String plugin) throws IOException {
            this.socket = socket;
            this.workspace = workspace;
            this.epoch = epoch;
            this.plugin = plugin;
            this.out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8);
        }

        public synchronized void send(String line) {
            try {
                out.write(line + "\n");
                out.flush();
            } catch (IOException e) {
                throw new IllegalStateException("loopback server cannot send to " + workspace + ": " + e.getMessage(), e);
            }
        }

        /** Drops the socket without a word. */
        public void drop() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }

        public long count(String prefix) {
            return received.stream().filter(l -> l.startsWith(prefix)).count();
        }
    }

    private final ServerSocket server;
    private final Thread acceptor;
    public volatile boolean autoConnect = true;
    /** A slow server: how long it takes to notice that a client ended its stream (0 = at once). */
    public volatile long endOfStreamDelayMillis;
    /** The next this-many plugin connections get no CONNECTED line. */
    public final java.util.concurrent.atomic.AtomicInteger refuseNext = new java.util.concurrent.atomic.AtomicInteger();
    public final List<Conn> connections = new CopyOnWriteArrayList<>();
    /** Workspace → the reason a {@code CHECK} line of it is answered with ({@code REVOKED <reason>}). */
    public final Map<String, String> revokedCredentials = new ConcurrentHashMap<>();
    private final Map<String, Integer> live = new ConcurrentHashMap<>();
    /** Events sent and not acknowledged, by workspace, in send order: redelivered on the next connection. */
    private final Map<String, java.util.LinkedHashMap<String, String>> unacked = new ConcurrentHashMap<>();
    private final Map<String, Integer> maxLive = new ConcurrentHashMap<>();

    public LoopbackServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "test-loopback-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "test-loopback-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        Conn c = null;
        try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
            String first = in.readLine();
            if (first == null) {
                return;
            }
            if (first.startsWith("GET ")) {
                OutputStream o = s.getOutputStream();
                o.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                o.flush();
                return;
            }
            if (first.startsWith("CHECK ")) {
                String ws = first.substring(6).trim();
                Writer w = new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8);
                String reason = revokedCredentials.get(ws);
                w.write((reason != null ? "REVOKED " + reason : "OK " + ws) + "\n");
                w.flush();
                return;
            }
            String[] p = first.split(" ");
            c = new Conn(s, p[1], Long.parseLong(p[2]), p[3]);
            live.merge(c.workspace, 1, Integer::sum);
            maxLive.merge(c.workspace, live.get(c.workspace), Math::max);
            connections.add(c);
            if (autoConnect && refuseNext.getAndUpdate(n -> Math.max(0, n - 1)) == 0) {
                c.send("CONNECTED");
                redeliver(c);
            }
            String line;
            while ((line = in.readLine()) != null) {
                c.received.add(line);
                if (line.startsWith("ACK ")) {
                    var pending = unacked.get(c.workspace);
                    if (pending != null) {
                        synchronized (pending) {
                            pending.remove(line.substring(4));
                        }
                    }
                }
            }
            slowDown(endOfStreamDelayMillis);
            // Counted as ended before the socket closes: a client waiting for the end of the stream then never
            // sees this connection still counted live.
            ended(c);
        } catch (IOException e) {
            // connection reset
        } finally {
            ended(c);
        }
    }

    private static void slowDown(long millis) {
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void ended(Conn c) {
        if (c != null && !c.closed) {
            c.closed = true;
            live.merge(c.workspace, -1, Integer::sum);
        }
    }

    /**
     * Sends an event the way a redelivering platform does: it is remembered until acknowledged and sent
     * again on the workspace's next connection if the current one goes away first.
     */
    public void event(String workspace, String id, String channel, String text) {
        var pending = unacked.computeIfAbsent(workspace, k -> new java.util.LinkedHashMap<>());
        String line = "EVENT " + id + " " + channel + " " + text;
        synchronized (pending) {
            pending.put(id, line);
        }
        Conn c = latest(workspace);
        if (c != null && !c.closed) {
            try {
                c.send(line);
            } catch (RuntimeException e) {
                // closing: it goes out again on the next connection
            }
        }
    }

    private void redeliver(Conn c) {
        var pending = unacked.get(c.workspace);
        if (pending == null) {
            return;
        }
        List<String> lines;
        synchronized (pending) {
            lines = List.copyOf(pending.values());
        }
        lines.forEach(c::send);
    }

    /** Events not yet acknowledged by any connection of the workspace. */
    public int unacked(String workspace) {
        var pending = unacked.get(workspace);
        if (pending == null) {
            return 0;
        }
        synchronized (pending) {
            return pending.size();
        }
    }

    /** Waits for the newest connection of a workspace with at least the given epoch (host in this JVM). */
    public Conn await(String workspace, long minEpoch) {
        return await(workspace, minEpoch, Duration.ofSeconds(10));
    }

    /**
     * As {@link #await(String, long)} with a bound of the caller's: a host in a child JVM first starts the
     * JVM, logging and PF4J, which on a loaded 2-core machine takes far longer than a connect.
     */
    public Conn await(String workspace, long minEpoch, Duration bound) {
        Awaitility.await().atMost(bound).until(() -> latest(workspace) != null && latest(workspace).epoch >= minEpoch);
        return latest(workspace);
    }

    public Conn latest(String workspace) {
        Conn found = null;
        for (Conn c : connections) {
            if (c.workspace.equals(workspace)) {
                found = c;
            }
        }
        return found;
    }

    public long connectionsOf(String workspace) {
        return connections.stream().filter(c -> c.workspace.equals(workspace)).count();
    }

    public int live(String workspace) {
        return live.getOrDefault(workspace, 0);
    }

    public int maxLive(String workspace) {
        return maxLive.getOrDefault(workspace, 0);
    }

    @Override
    public void close() throws IOException {
        server.close();
        connections.forEach(Conn::drop);
    }
}
