package dev.gatehouse.discord;

import com.neovisionaries.ws.client.WebSocketFrame;
import dev.gatehouse.api.InboundEvent;
import dev.gatehouse.api.InboundSink;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import net.dv8tion.jda.api.events.ExceptionEvent;
import net.dv8tion.jda.api.events.GatewayPingEvent;
import net.dv8tion.jda.api.events.GenericEvent;
import net.dv8tion.jda.api.events.StatusChangeEvent;
import net.dv8tion.jda.api.events.http.HttpRequestEvent;
import net.dv8tion.jda.api.events.interaction.component.ButtonInteractionEvent;
import net.dv8tion.jda.api.events.session.GenericSessionEvent;
import net.dv8tion.jda.api.events.session.ReadyEvent;
import net.dv8tion.jda.api.events.session.SessionDisconnectEvent;
import net.dv8tion.jda.api.events.session.SessionRecreateEvent;
import net.dv8tion.jda.api.events.session.SessionResumeEvent;
import net.dv8tion.jda.api.events.session.ShutdownEvent;
import net.dv8tion.jda.api.hooks.EventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection's only JDA listener. JDA calls it on the thread that produced the event (no event
 * pool): dispatches on the socket's read thread, in gateway order; lifecycle events also on JDA's
 * connect, reconnect and REST threads, or on ours during a close. So it must be quick and never block —
 * a listener that holds the read thread makes JDA miss its heartbeat ACKs and drop a healthy socket
 * as a zombie — and it only translates and hands off: lifecycle events to the {@link TransportMonitor}
 * (thread-safe), dispatches to the host's non-blocking {@link InboundSink}, whose handlers run on host
 * threads in order per channel. That hand-off is the event's only hop, and it allocates nothing beyond
 * the event record. Nothing is thrown back into JDA (an exception on JDA's reconnect path stops it
 * reconnecting, JDA issue #615); an interrupt JDA sends its read thread is left for JDA.
 */
final class GatewayEvents implements EventListener {

    private static final Logger log = LoggerFactory.getLogger(GatewayEvents.class);

    private final String label;
    private final TransportMonitor monitor;
    private final InboundSink inbound;

    GatewayEvents(String label, TransportMonitor monitor, InboundSink inbound) {
        this.label = label;
        this.monitor = monitor;
        this.inbound = inbound;
    }

    @Override
    public void onEvent(GenericEvent event) {
        try {
            route(event);
        } catch (RuntimeException e) {
            log.warn("{}: cannot handle {}: {}", label, event.getClass().getSimpleName(), e.toString(), e);
        }
    }

    private void route(GenericEvent event) {
        if (event instanceof StatusChangeEvent e) {
            monitor.status(e.getNewStatus());
        } else if (event instanceof GatewayPingEvent) {
            monitor.heartbeatAcked();
        } else if (event instanceof ReadyEvent || event instanceof SessionRecreateEvent) {
            monitor.sessionStarted(false);
        } else if (event instanceof SessionResumeEvent) {
            monitor.sessionStarted(true);
        } else if (event instanceof SessionDisconnectEvent e) {
            monitor.lossExplained(describe(e));
        } else if (event instanceof ShutdownEvent e) {
            monitor.shutDown(e.getCode());
        } else if (event instanceof GenericSessionEvent || event instanceof HttpRequestEvent
                || event instanceof ExceptionEvent) {
            // SessionInvalidateEvent fires twice per op 9; the socket loss that follows it is what counts.
            // REST traffic and JDA's own exception reports are no sign of gateway life.
            return;
        } else {
            monitor.dispatched();
            InboundEvents.translate(event).ifPresent(e -> deliver(event, e));
        }
    }

    private void deliver(GenericEvent source, InboundEvent event) {
        if (source instanceof ButtonInteractionEvent click) {
            // Discord wants an answer within 3 s or the user sees "This interaction failed"; a deferred
            // update says "received" without changing the message. Queued: JDA sends it on its own threads.
            click.deferEdit().queue(null,
                    err -> log.warn("{}: cannot acknowledge button click {}: {}", label, click.getId(), err.toString()));
        }
        // Discord does not redeliver, so there is nothing to acknowledge and no reason to wait: the host
        // refuses at once (completes exceptionally before returning) or takes the event. No dependent stage.
        CompletionStage<Void> taken = inbound.deliver(event);
        if (taken instanceof CompletableFuture<Void> f && f.isCompletedExceptionally()) {
            log.debug("{}: the host did not take {}", label, event.eventId());
        }
    }

    /** E.g. "Discord closed the gateway socket: 4000 'Unknown error'" or "gateway socket lost: 1002 '…'". */
    static String describe(SessionDisconnectEvent e) {
        WebSocketFrame server = e.getServiceCloseFrame();
        if (e.isClosedByServer() && server != null) {
            return "Discord closed the gateway socket: " + frame(server);
        }
        WebSocketFrame client = e.getClientCloseFrame();
        return "gateway socket lost" + (client == null ? "" : ": " + frame(client));
    }

    private static String frame(WebSocketFrame f) {
        String reason = f.getCloseReason();
        return f.getCloseCode() + (reason == null || reason.isEmpty() ? "" : " '" + reason + "'");
    }
}
