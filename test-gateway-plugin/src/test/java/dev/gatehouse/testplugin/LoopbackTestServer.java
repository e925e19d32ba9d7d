package dev.gatehouse.testplugin;

import dev.gatehouse.api.GatewaySettings;
import dev.gatehouse.tck.TransportControl;
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
 * The server side of the loopback protocol (see {@link LoopbackConnection}) for the conformance kit: answers
 * {@code HELLO} with {@code CONNECTED}, pushes {@code EVENT <id> C1 text}, records {@code ACK <id>}. One per test.
 */
final class LoopbackTestServer implements TransportControl {

    private static final AtomicInteger SERVERS = new AtomicInteger();

    private final ServerSocket server;
    private final String threadPrefix = "loopback-test-server-" + SERVERS.incrementAndGet();
    private final Set<String> acks = ConcurrentHashMap.newKeySet();
    private final AtomicInteger events = new AtomicInteger();
    /** The newest client, written by the accept thread. */
    private volatile Socket client;
    private volatile boolean stalled;

    LoopbackTestServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, threadPrefix + "-accept");
        t.setDaemon(true);
        t.start();
    }

    private void acceptLoop() {
        try {
            while (!server.isClosed()) {
                Socket s = server.accept();
                Thread r = new Thread(() -> serve(s), threadPrefix + "-conn");
                r.setDaemon(true);
                r.start();
            }
        } catch (IOException e) {
            // closed by close()
        }
    }

    private void serve(Socket s) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (stalled) {
                    continue;
                }
                if (line.startsWith("HELLO ")) {
                    client = s;
                    send(s, "CONNECTED");
                } else if (line.startsWith("ACK ")) {
                    acks.add(line.substring(4));
                }
            }
        } catch (IOException e) {
            // dropped
        }
    }

    private void send(Socket s, String line) {
        if (stalled || s == null) {
            return;
        }
        try {
            OutputStream out = s.getOutputStream();
            synchronized (s) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("loopback test server cannot send: " + e.getMessage(), e);
        }
    }

    @Override
    public GatewaySettings settings() {
        return new GatewaySettings("workspaces.conformance.loopback",
                Map.of("port", server.getLocalPort(), "credential", "loopback-credential-5b1e"));
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
        String id = "ev" + events.incrementAndGet();
        send(client, "EVENT " + id + " C1 hello from the conformance kit");
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
            Socket c = client;
            if (c != null) {
                c.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
