package dev.gatehouse.slack;

import com.slack.api.bolt.middleware.Middleware;
import com.slack.api.bolt.middleware.MiddlewareChain;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.request.RequestType;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.socket_mode.SocketModeApp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Divides the envelopes between the gateway and Bolt. Bolt acknowledges an envelope only after its
 * handler returns, and its request carries no envelope id, so it cannot acknowledge "when the host
 * took the event or at a deadline". The gateway therefore handles {@code events_api} and
 * {@code interactive} envelopes itself ({@link InboundEnvelopes}); for those this middleware stops
 * Bolt's pipeline with {@link Claimed}, which {@link #onError} turns into "send nothing". Everything
 * else (slash commands) continues to Bolt, whose unmatched-request handler acknowledges it.
 */
final class BoltClaims implements Middleware {

    private static final Logger log = LoggerFactory.getLogger(BoltClaims.class);

    /** Control flow only: preallocated and without a stack trace. */
    static final class Claimed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final Claimed INSTANCE = new Claimed();

        private Claimed() {
            super("envelope handled by the gateway", null, false, false);
        }
    }

    @Override
    public Response apply(Request req, Response resp, MiddlewareChain chain) throws Exception {
        if (req.getRequestType() == RequestType.Command) {
            return chain.next(req);
        }
        throw Claimed.INSTANCE;
    }

    /** Bolt's error handler: no ack for claimed envelopes, a log line for real failures. */
    static Response onError(SocketModeApp.ErrorContext context) {
        Exception e = context.getException();
        if (!(e instanceof Claimed)) {
            log.warn("Bolt failed on a {} request; not acknowledged: {}",
                    context.getRequest() == null ? "malformed" : context.getRequest().getRequestType(), e.toString());
        }
        return null;
    }
}
