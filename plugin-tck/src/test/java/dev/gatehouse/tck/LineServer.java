package dev.gatehouse.tck;

import dev.gatehouse.api.GatewaySettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server of {@link LineGateway}'s line protocol on loopback: says {@code CONNECTED} to each client,
 * pushes {@code EVENT <id>}, records {@code ACK <id>}. One per test.
 */
final class LineServer implements TransportControl {

    static final String SECRET = "line-secret-0d9e";
    private static final AtomicInteger SERVERS = new AtomicInteger();

    private final ServerSocket server;
    private final String threadPrefix = "line-server-" + SERVERS.incrementAndGet();
    private final Set<String> acks = ConcurrentHashMap.newKeySet();
    private final AtomicInteger events = new AtomicInteger();
    /** The newest client; written by the accept thread. */
    private volatile Socket client;
    private volatile boolean stalled;

    private final LineGateway.Flaw flaw;

    LineServer() throws IOException {
        this(LineGateway.Flaw.NONE);
    }

    /** A server whose settings tell a jar-loaded {@link LineGateway} which flaw to have. */
    LineServer(LineGateway.Flaw flaw) throws IOException {
        this.flaw = flaw;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, threadPrefix + "-accept");
        t.setDaemon(true);
        t.start();
    }

    private void acceptLoop() {
        try {
            while (!server.isClosed()) {
                Socket s = server.accept();
                client = s;
                send(s, "CONNECTED");
                Thread r = new Thread(() -> readLoop(s), threadPrefix + "-read");
                r.setDaemon(true);
                r.start();
            }
        } catch (IOException e) {
            // closed
        }
    }

    private void readLoop(Socket s) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("ACK ") && !stalled) {
                    acks.add(line.substring(4));
                }
            }
        } catch (IOException e) {
            // dropped
        }
    }

    private void send(Socket s, String line) {
        if (stalled) {
            return;
        }
        try {
            OutputStream out = s.getOutputStream();
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public GatewaySettings settings() {
        return new GatewaySettings("workspaces.conformance.line", Map.of("port", server.getLocalPort(), "secret", SECRET,
                "flaw", flaw.name()));
    }

    @Override
    public void drop() {
        try {
            client.setSoLinger(true, 0);
            client.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stall() {
        stalled = true;
    }

    @Override
    public void restore() {
        stalled = false;
    }

    @Override
    public String pushEvent() {
        String id = "e" + events.incrementAndGet();
        send(client, "EVENT " + id);
        return id;
    }

    @Override
    public Optional<Boolean> acknowledged(String token) {
        return Optional.of(acks.contains(token));
    }

    @Override
    public boolean isServerThread(Thread thread) {
        return thread.getName().startsWith(threadPrefix);
    }

    @Override
    public void close() {
        try {
            server.close();
            if (client != null) {
                client.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
