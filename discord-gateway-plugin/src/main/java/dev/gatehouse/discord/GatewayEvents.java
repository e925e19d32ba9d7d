package dev.gatehouse.discord;

import com.neovisionaries.ws.client.WebSocketFrame;
import dev.gatehouse.api.InboundEvent;
import dev.gatehouse.api.InboundSink;
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
 * The connection's only JDA listener. JDA hands it every event on the connection's event pool (a host
 * executor, one thread, so in gateway order), never on JDA's socket threads; it still only translates
 * and hands off: lifecycle events to the {@link TransportMonitor}, dispatches to the host's
 * non-blocking {@link InboundSink}. Nothing here blocks or does I/O, and nothing is thrown back into
 * JDA (an exception on JDA's reconnect path stops it reconnecting, JDA issue #615).
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
        inbound.deliver(event).whenComplete((done, err) -> {
            if (err != null) {
                log.debug("{}: the host did not take {}: {}", label, event.eventId(), err.toString());
            }
        });
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
