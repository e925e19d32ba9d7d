package dev.gatehouse.host.reload;

import dev.gatehouse.host.testing.LoopbackServer;
import java.util.HashSet;
import java.util.Set;

/**
 * A workspace whose token the platform has revoked: from {@link #revoke()} on, every connection to its
 * loopback server is answered with {@code FATAL} instead of {@code CONNECTED}, as Slack answers a
 * revoked token with {@code invalid_auth} on every attempt.
 */
final class RevokedToken implements AutoCloseable {

    private final LoopbackServer server;
    private final Thread answerer;
    private volatile boolean revoked;

    RevokedToken(LoopbackServer server) {
        this.server = server;
        this.answerer = new Thread(this::answer, "test-revoked-token");
        answerer.setDaemon(true);
        answerer.start();
    }

    void revoke() {
        server.autoConnect = false;
        revoked = true;
    }

    private void answer() {
        Set<LoopbackServer.Conn> answered = new HashSet<>();
        while (!Thread.currentThread().isInterrupted()) {
            if (revoked) {
                for (LoopbackServer.Conn c : server.connections) {
                    if (!c.closed && answered.add(c)) {
                        try {
                            c.send("FATAL invalid_auth: token revoked (test)");
                        } catch (RuntimeException e) {
                            // closed meanwhile
                        }
                    }
                }
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        answerer.interrupt();
        answerer.join();
    }
}
