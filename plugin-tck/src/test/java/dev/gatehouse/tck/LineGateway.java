package dev.gatehouse.tck;

import dev.gatehouse.api.Gateway;
import dev.gatehouse.api.GatewayConnection;
import dev.gatehouse.api.GatewayContext;
import dev.gatehouse.api.GatewaySettings;
import dev.gatehouse.api.MessageEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.pf4j.Extension;

/**
 * A small gateway for {@link LineServer}, correct unless given a {@link Flaw}: each flaw breaks exactly one
 * rule of the contract, so that the kit can be shown to catch it. Made directly, or loaded from a plugin
 * jar ({@link LinePluginJar}), where the flaw comes from the {@code flaw} setting.
 */
@Extension
public final class LineGateway implements Gateway {

    /** One deliberate defect. */
    enum Flaw {
        NONE, NEVER_MARKS_DISCONNECTED, ACKS_BEFORE_STAGE_COMPLETES, LEAKS_A_THREAD, SECRET_IN_CAUSE,
        /** Puts itself into a JVM-wide registry, as a JDBC driver registered with DriverManager and never removed. */
        KEEPS_ITSELF_IN_A_JVM_REGISTRY
    }

    /** The JVM-wide registry of {@link Flaw#KEEPS_ITSELF_IN_A_JVM_REGISTRY}. */
    static final String REGISTRY_KEY = "dev.gatehouse.tck.LineGateway.registered";

    /** {@code null}: read from the {@code flaw} setting at each open. */
    private final Flaw fixedFlaw;

    LineGateway(Flaw flaw) {
        this.fixedFlaw = flaw;
    }

    public LineGateway() {
        this(null);
    }

    @Override
    public String platform() {
        return "line";
    }

    @Override
    public Set<String> secretKeys() {
        return Set.of("secret");
    }

    @Override
    public URI probeUri(GatewaySettings settings) {
        return URI.create("http://127.0.0.1:" + settings.integer("port", 0) + "/");
    }

    @Override
    public GatewayConnection open(GatewayContext ctx) throws IOException {
        Flaw flaw = fixedFlaw != null ? fixedFlaw : Flaw.valueOf(ctx.settings().string("flaw", "NONE"));
        if (flaw == Flaw.KEEPS_ITSELF_IN_A_JVM_REGISTRY) {
            System.getProperties().put(REGISTRY_KEY, this);
        }
        Socket s = new Socket(InetAddress.getLoopbackAddress(), ctx.settings().integer("port", 0));
        Connection c = new Connection(ctx, s, flaw);
        ctx.executors().threadFactory("reader").newThread(c::readLoop).start();
        if (flaw == Flaw.LEAKS_A_THREAD) {
            CountDownLatch never = new CountDownLatch(1);
            Thread stray = new Thread(() -> {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "line-gateway-stray");
            stray.setDaemon(true);
            stray.start();
        }
        return c;
    }

    private static final class Connection implements GatewayConnection {
        private final GatewayContext ctx;
        private final Socket socket;
        private final Flaw flaw;
        private final AtomicBoolean closed = new AtomicBoolean();

        Connection(GatewayContext ctx, Socket socket, Flaw flaw) {
            this.ctx = ctx;
            this.socket = socket;
            this.flaw = flaw;
        }

        void readLoop() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.equals("CONNECTED")) {
                        ctx.health().markConnected(false);
                    } else if (line.startsWith("EVENT ")) {
                        String id = line.substring(6);
                        var stage = ctx.inbound().deliver(new MessageEvent(id, "C1", "m-" + id, null, "U1", "hi", false, false));
                        if (flaw == Flaw.ACKS_BEFORE_STAGE_COMPLETES) {
                            send("ACK " + id);
                        } else {
                            stage.whenComplete((v, err) -> {
                                if (err == null) {
                                    send("ACK " + id);
                                }
                            });
                        }
                    }
                }
            } catch (IOException e) {
                // reset by the server or closed by us: reported below
            }
            if (flaw == Flaw.SECRET_IN_CAUSE) {
                ctx.health().markDisconnected("socket lost (secret " + ctx.settings().string("secret") + ")");
            } else if (flaw != Flaw.NEVER_MARKS_DISCONNECTED) {
                ctx.health().markDisconnected("line socket closed");
            }
        }

        private synchronized void send(String line) {
            try {
                OutputStream out = socket.getOutputStream();
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                // the socket is gone; the read loop reports it
            }
        }

        @Override
        public String post(String channelId, String text) {
            send("POST " + channelId + " " + text);
            return "m1";
        }

        @Override
        public String reply(String channelId, String threadId, String text) {
            return post(channelId, text);
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
            if (closed.compareAndSet(false, true)) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
    }
}
