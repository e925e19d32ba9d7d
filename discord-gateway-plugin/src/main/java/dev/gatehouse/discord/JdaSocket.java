package dev.gatehouse.discord;

import com.neovisionaries.ws.client.WebSocket;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.Socket;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.internal.JDAImpl;
import net.dv8tion.jda.internal.requests.WebSocketClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that reaches into JDA's internals, for what its public API cannot do: drop the
 * current gateway socket the way a dead network would. JDA then runs its ordinary loss path
 * (client close 1002/1008, {@code SessionDisconnectEvent}, immediate RESUME), exactly as after a TCP
 * FIN. Closing the TCP socket itself, rather than asking nv-websocket for a close handshake, is what
 * makes this immediate on a black-holed socket, where a close frame is never answered.
 *
 * <p>{@code JDAImpl.getClient()} and {@code WebSocketClient.socket} are public; JDA's missed-heartbeat
 * counter is not, and it survives a reconnect: dropped right after JDA counted 2 unanswered heartbeats,
 * the fresh socket would be killed by JDA's own zombie check at its first heartbeat. So the counter is
 * reset first, by reflection; if a future JDA renames it, dropping still works, with one extra
 * reconnect.
 */
final class JdaSocket {

    private static final Logger log = LoggerFactory.getLogger(JdaSocket.class);
    private static final Field MISSED_HEARTBEATS = missedHeartbeatsField();

    private final String label;
    private volatile JDA jda;

    JdaSocket(String label) {
        this.label = label;
    }

    /** Set once JDA is built; before that there is no socket to drop. */
    void attach(JDA built) {
        this.jda = built;
    }

    /** JDA's status: that of its gateway session ({@code INITIALIZING} until JDA is built). */
    JDA.Status status() {
        JDA j = jda;
        return j == null ? JDA.Status.INITIALIZING : j.getStatus();
    }

    /** Closes JDA's current gateway TCP connection, if it has one. Safe from any thread, never throws. */
    void drop() {
        WebSocketClient client = client();
        if (client == null) {
            return;
        }
        resetMissedHeartbeats(client);
        WebSocket ws = client.socket;
        Socket raw = ws == null ? null : ws.getSocket();
        if (raw == null) {
            return;
        }
        try {
            raw.close();
        } catch (IOException e) {
            log.debug("{}: closing the gateway socket: {}", label, e.toString());
        }
    }

    private WebSocketClient client() {
        JDA j = jda;
        return j instanceof JDAImpl impl ? impl.getClient() : null;
    }

    private void resetMissedHeartbeats(WebSocketClient client) {
        if (MISSED_HEARTBEATS == null) {
            return;
        }
        try {
            MISSED_HEARTBEATS.setInt(client, 0);
        } catch (IllegalAccessException | RuntimeException e) {
            log.debug("{}: cannot reset JDA's missed-heartbeat counter: {}", label, e.toString());
        }
    }

    private static Field missedHeartbeatsField() {
        try {
            Field f = WebSocketClient.class.getDeclaredField("missedHeartbeats");
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException | RuntimeException e) {
            log.warn("JDA's WebSocketClient has no accessible missedHeartbeats field ({}); after a dropped zombie"
                    + " socket JDA may drop the next one once more by itself", e.toString());
            return null;
        }
    }
}
