package dev.gatehouse.testplugin;

import dev.gatehouse.api.GatewayConnection;
import dev.gatehouse.api.GatewayContext;
import dev.gatehouse.api.GatewayException;
import dev.gatehouse.api.MessageEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loopback connection. The client sends {@code HELLO <workspace> <epoch> <plugin>}; the server
 * then sends lines: {@code CONNECTED}, {@code RESUMED}, {@code DISCONNECTED <cause>},
 * {@code FATAL <cause>}, {@code ALIVE}, {@code UNHOOKABLE}, {@code EVENT <id> <channel> <text>}
 * (answered with {@code ACK <id>} once the host handled it) and {@code HANG_CLOSE} (the next close
 * blocks for a minute), {@code SLOW_ACK} (acknowledgements are sent 300 ms after the host took the event, as
 * a plugin whose acknowledgement does I/O). Outbound operations are sent as lines ({@code POST <channel> <text>}, …).
 * End of stream means "disconnected". Closing is a handshake, as a WebSocket's is: the client ends its
 * output and waits (bounded) for the server to end the stream, so once {@link #close()} returns the server
 * has seen the connection end — its count of live connections never lags behind the client's.
 */
final class LoopbackConnection implements GatewayConnection {

    private static final Logger log = LoggerFactory.getLogger(LoopbackConnection.class);

    /**
     * A per-thread cache as real libraries keep one (Grizzly's ThreadCache, for one): set on whichever
     * thread opens a connection and never cleared, it holds this plugin's class loader for as long as
     * that thread lives. The host must not keep such threads after the plugin is unloaded.
     */
    private static final ThreadLocal<Class<?>> PER_THREAD_CACHE = new ThreadLocal<>();
    /** How long close() waits for the server to end the stream; the host bounds close() itself as well. */
    private static final long CLOSE_HANDSHAKE_MILLIS = 2_000;

    private final GatewayContext ctx;
    private final Socket socket;
    private final Writer out;
    private final AtomicInteger ids = new AtomicInteger();
    private final CountDownLatch streamEnded = new CountDownLatch(1);
    /** Deliveries (and the acknowledgements chained on them, if they ran at once) under way on the reader thread. */
    private final AtomicInteger acksOnThisThread = new AtomicInteger();
    private volatile boolean hangOnClose;
    private volatile boolean slowAck;

    private LoopbackConnection(GatewayContext ctx, Socket socket) throws IOException {
        this.ctx = ctx;
        this.socket = socket;
        this.out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8);
    }

    static LoopbackConnection open(GatewayContext ctx, String pluginId) throws IOException {
        int port = ctx.settings().integer("port", 0);
        if (ctx.settings().has("credential")) {
            // A careless plugin logging its secret: the host must mask it in the log output.
            log.info("connecting with credential {}", ctx.settings().string("credential"));
        }
        PER_THREAD_CACHE.set(LoopbackConnection.class);
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        LoopbackConnection c = new LoopbackConnection(ctx, s);
        c.send("HELLO " + ctx.workspace() + " " + ctx.epoch() + " " + pluginId);
        Thread reader = ctx.executors().threadFactory("reader").newThread(c::readLoop);
        reader.start();
        return c;
    }

    private void readLoop() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                handle(line);
            }
        } catch (IOException e) {
            // closed by us or reset by the server
        } finally {
            streamEnded.countDown();
        }
        ctx.health().reportOpenSockets(0);
        ctx.health().markDisconnected("loopback socket closed");
    }

    private void handle(String line) {
        String[] p = line.split(" ", 4);
        switch (p[0]) {
            case "CONNECTED" -> {
                ctx.health().reportOpenSockets(1);
                ctx.health().markConnected(false);
            }
            case "RESUMED" -> ctx.health().markConnected(true);
            case "DISCONNECTED" -> ctx.health().markDisconnected(line.length() > 13 ? line.substring(13) : "disconnected");
            case "FATAL" -> ctx.health().markFatal(line.length() > 6 ? line.substring(6) : "fatal");
            case "ALIVE" -> ctx.health().markAlive();
            case "UNHOOKABLE" -> ctx.health().markTransportNotHookable("the loopback server said so");
            case "HANG_CLOSE" -> hangOnClose = true;
            case "SLOW_ACK" -> slowAck = true;
            case "EVENT" -> {
                String id = p[1];
                MessageEvent e = new MessageEvent(id, p[2], "msg-" + id, null, "U1", p.length > 3 ? p[3] : "", false, false);
                // An event the host handled before this thread chained its acknowledgement is acknowledged right
                // here, on this thread: close() waits for that, as a real plugin's close drains its own work.
                // (Chained before, the acknowledgement runs as the delivery completes, which the host waits for.)
                acksOnThisThread.incrementAndGet();
                try {
                    ctx.inbound().deliver(e).whenComplete((v, err) -> {
                        if (err == null) {
                            if (slowAck) {
                                pause(300);
                            }
                            send("ACK " + id);
                        }
                    });
                } finally {
                    acksOnThisThread.decrementAndGet();
                }
            }
            default -> log.warn("loopback: unknown line from server: {}", line);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void send(String line) {
        try {
            out.write(line + "\n");
            out.flush();
        } catch (IOException e) {
            throw new GatewayException("loopback: cannot send (" + e.getMessage() + ")", true, e);
        }
    }

    @Override
    public String post(String channelId, String text) {
        String id = "m" + ids.incrementAndGet();
        send("POST " + channelId + " " + id + " " + text);
        return id;
    }

    @Override
    public String reply(String channelId, String threadId, String text) {
        String id = "m" + ids.incrementAndGet();
        send("REPLY " + channelId + " " + threadId + " " + id + " " + text);
        return id;
    }

    @Override
    public void edit(String channelId, String messageId, String text) {
        send("EDIT " + channelId + " " + messageId + " " + text);
    }

    @Override
    public void delete(String channelId, String messageId) {
        send("DELETE " + channelId + " " + messageId);
    }

    @Override
    public void react(String channelId, String messageId, String emoji) {
        send("REACT " + channelId + " " + messageId + " " + emoji);
    }

    @Override
    public void close() {
        if (hangOnClose) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            long ackBy = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_HANDSHAKE_MILLIS);
            while (acksOnThisThread.get() > 0 && System.nanoTime() - ackBy < 0) {
                Thread.sleep(5);
            }
            socket.shutdownOutput();
            if (!streamEnded.await(CLOSE_HANDSHAKE_MILLIS, TimeUnit.MILLISECONDS)) {
                log.debug("loopback close: the server did not end the stream within {} ms", CLOSE_HANDSHAKE_MILLIS);
            }
        } catch (IOException e) {
            log.debug("loopback close handshake: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                socket.close();
            } catch (IOException e) {
                log.debug("loopback close: {}", e.toString());
            }
        }
    }
}
