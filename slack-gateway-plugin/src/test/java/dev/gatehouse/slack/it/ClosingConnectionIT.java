package dev.gatehouse.slack.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.api.ButtonClickEvent;
import dev.gatehouse.api.MessageEvent;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.sim.slack.Delivery;
import dev.gatehouse.sim.slack.SimConnection;
import dev.gatehouse.sim.slack.SimSlackApp;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Envelopes that reach a connection the host is closing: Slack never redelivers a button click
 * ({@code interactive}), so the gateway must hand it to the bot rather than drop it; an Events API
 * envelope is handled too, or left unacknowledged for Slack to redeliver, and reaches the bot once.
 */
class ClosingConnectionIT extends SimulatorIT {

    @Test
    void envelopesWaitingWhenTheHostClosesTheConnectionReachTheBotOnce() throws Exception {
        SimSlackApp app = sim.registerApp();
        host = SlackHost.builder(sim, dir).workspace("acme", app).health("staleAfter", "60s").start().awaitConnected("acme");
        SimConnection first = sim.oldestConnection(app);

        // Frames in flight on the socket when the host closes the connection (an operator's reconnect). The
        // client's message processor no longer blocks on reconnects (the old trap I hold is gone), so the
        // frames are as far as the socket or the client's queue when the close begins.
        Delivery click = sim.pushBlockAction(first, "C1", "U1", "approve", "42");
        Delivery message = sim.pushMessage(first, "C1", "U1", "said while the connection closes");
        host.host.reconnect("acme", "slack");
        await().atMost(Duration.ofSeconds(20)).until(() -> host.status("acme").epoch() == 2
                && host.state("acme") == ConnectionState.CONNECTED);
        await().atMost(Duration.ofSeconds(15)).until(() -> host.events.stream().anyMatch(e -> e instanceof ButtonClickEvent)
                && host.events.stream().anyMatch(e -> e instanceof MessageEvent));
        // Whatever Slack redelivers from here on is recognised.
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(4 + 5)).until(() -> host.events.size() == 2);

        assertThat(host.events).filteredOn(e -> e instanceof ButtonClickEvent).singleElement()
                .satisfies(e -> assertThat(((ButtonClickEvent) e).value()).isEqualTo("42"));
        assertThat(host.events).filteredOn(e -> e instanceof MessageEvent).singleElement()
                .satisfies(e -> assertThat(((MessageEvent) e).text()).isEqualTo("said while the connection closes"));
        Figures.record("closing connection: click acknowledged", sim.ackFor(app, click.envelopeId()).isPresent());
        Figures.record("closing connection: deliveries of the message", sim.deliveriesOfEvent(app, message.eventId()).size());
    }
}
