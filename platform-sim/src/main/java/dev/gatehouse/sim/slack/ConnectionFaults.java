package dev.gatehouse.sim.slack;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.List;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.framing.CloseFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies and clears {@link ConnectionFault}s on the server side of a connection. */
final class ConnectionFaults {
    private static final Logger log = LoggerFactory.getLogger(ConnectionFaults.class);

    private ConnectionFaults() {
    }

    /** Fails before anything is touched if a black hole is asked of a direct connection. */
    static void requireProxiedForBlackHole(List<SimConnection> connections, ConnectionFault fault) {
        if (!(fault instanceof ConnectionFault.BlackHole)) {
            return;
        }
        for (SimConnection connection : connections) {
            if (!connection.proxied()) {
                throw new IllegalStateException(connection + " is direct: a black hole needs "
                        + "routeThroughProxy(app, true) before the connection opens");
            }
        }
    }

    static void apply(SimConnection connection, ConnectionFault fault) {
        // Java 17 has no pattern switch; the sealed interface keeps this chain exhaustive by review.
        if (fault instanceof ConnectionFault.AbruptClose) {
            hardClose(connection, false);
        } else if (fault instanceof ConnectionFault.Reset) {
            hardClose(connection, true);
        } else if (fault instanceof ConnectionFault.CloseFrame frame) {
            connection.socket().close(frame.code(), frame.reason());
        } else if (fault instanceof ConnectionFault.HalfOpen) {
            connection.setHalfOpen(true);
        } else if (fault instanceof ConnectionFault.BlackHole) {
            connection.proxyLink().setBlackHoled(true);
        } else {
            throw new IllegalArgumentException("unhandled connection fault " + fault);
        }
    }

    /** Closes the TCP connection without a close frame; with {@code reset}, as an RST. */
    private static void hardClose(SimConnection connection, boolean reset) {
        WebSocketImpl impl = (WebSocketImpl) connection.socket();
        if (reset && impl.getChannel() instanceof SocketChannel channel) {
            try {
                channel.socket().setSoLinger(true, 0);
            } catch (IOException e) {
                log.debug("could not arm RST on {}: {}", connection, e.toString());
            }
        }
        impl.closeConnection(CloseFrame.ABNORMAL_CLOSE, reset ? "simulated reset" : "simulated abrupt close");
    }

    /** Ends the lasting faults: pongs resume, held bytes flow. */
    static void clear(SimConnection connection) {
        connection.setHalfOpen(false);
        if (connection.proxyLink() != null) {
            connection.proxyLink().setBlackHoled(false);
        }
    }
}
