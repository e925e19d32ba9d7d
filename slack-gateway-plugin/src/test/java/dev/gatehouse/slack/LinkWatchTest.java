package dev.gatehouse.slack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class LinkWatchTest {

    private final RecordingHealth health = new RecordingHealth();
    private final List<Runnable> pendingChecks = new ArrayList<>();
    private final Executor checks = pendingChecks::add;
    private final SocketCensus census = new SocketCensus(System::nanoTime);
    private final LinkWatch link = new LinkWatch(health, "slack/test epoch 1", checks, census);
    private final List<String> clientCalls = new ArrayList<>();
    private boolean currentSessionUp;

    LinkWatchTest() {
        link.attach(new LinkWatch.Link() {
            @Override
            public boolean currentOpen() {
                clientCalls.add("currentOpen");
                return currentSessionUp;
            }

            @Override
            public void reconnect(String why) {
                clientCalls.add("reconnect");
            }

            @Override
            public void stopReconnecting() {
                clientCalls.add("stopReconnecting");
            }

            @Override
            public void disconnect() {
                clientCalls.add("disconnect");
            }
        });
    }

    private void runChecks() {
        List<Runnable> now = new ArrayList<>(pendingChecks);
        pendingChecks.clear();
        now.forEach(Runnable::run);
    }

    @Test
    void helloIsAFreshConnectionWithItsCensus() {
        link.onHello(1);
        assertThat(health.signals).containsExactly("sockets(1)", "server(1)", "connected(false)", "alive");
    }

    @Test
    void aCloseOfTheCurrentSessionReconnectsAtOnceAndIsReportedOncePerLoss() {
        link.onHello(1);
        health.signals.clear();
        link.onClose(true, 1006, "Closed abnormally.");
        assertThat(health.starting("disconnected")).isEmpty();
        runChecks();
        assertThat(clientCalls).containsExactly("currentOpen", "reconnect");
        assertThat(health.starting("disconnected")).singleElement().asString().contains("code 1006")
                .contains("reconnecting now");
        link.onClose(true, 1006, "again");
        runChecks();
        assertThat(health.starting("disconnected")).hasSize(1);
        link.onHello(1);
        link.onClose(true, 1001, "going away");
        runChecks();
        assertThat(health.starting("disconnected")).hasSize(2);
    }

    @Test
    void theCloseOfASocketTheClientSupersededNeverMarksTheLiveOneDown() {
        link.onHello(1);
        link.onHello(2);
        link.onClose(false, 1000, LinkWatch.CLOSED_BY_CLIENT);
        assertThat(pendingChecks).isEmpty();
        assertThat(health.starting("disconnected")).isEmpty();
        assertThat(health.signals).endsWith("sockets(1)");
    }

    @Test
    void theServerClosingAnOlderSocketIsNotALoss() {
        link.onHello(1);
        link.onClose(false, 1001, "going away");
        assertThat(pendingChecks).isEmpty();
        assertThat(clientCalls).isEmpty();
    }

    @Test
    void aCloseFollowedByANewHelloBeforeTheCheckIsNotALoss() {
        link.onHello(1);
        link.onClose(true, 1001, "going away");
        link.onHello(1);
        runChecks();
        assertThat(clientCalls).isEmpty();
        assertThat(health.starting("disconnected")).isEmpty();
    }

    @Test
    void aCloseWhileANewerSessionIsAlreadyOpenIsNotALoss() {
        link.onHello(1);
        currentSessionUp = true;
        link.onClose(true, 1000, "server closed the socket the client just replaced");
        runChecks();
        assertThat(clientCalls).containsExactly("currentOpen");
        assertThat(health.starting("disconnected")).isEmpty();
    }

    @Test
    void aSocketThatStoppedAnsweringPingsIsReplacedAndReportedDownOnlyIfThatFails() {
        link.onHello(1);
        link.onDead("no pong for 2000 ms");
        runChecks();
        assertThat(clientCalls).containsExactly("reconnect");
        assertThat(health.starting("disconnected")).isEmpty();
        link.onReconnectFailed("reconnect after no pong failed: apps.connections.open answered HTTP 500");
        runChecks();
        assertThat(health.starting("disconnected")).singleElement().asString().contains("HTTP 500");
    }

    @Test
    void aHeldDisconnectStopsReconnectingAndReportsDown() {
        link.onHello(1);
        link.onHeldDisconnect("too_many_websockets");
        runChecks();
        assertThat(clientCalls).containsExactly("stopReconnecting", "disconnect");
        assertThat(health.starting("disconnected")).singleElement().asString().contains("too_many_websockets");
        link.onClose(true, 1000, LinkWatch.CLOSED_BY_CLIENT);
        runChecks();
        assertThat(health.starting("disconnected")).hasSize(1);
    }

    @Test
    void nothingIsReportedOnceClosing() {
        link.onHello(1);
        link.onClose(true, 1006, "x");
        link.closing();
        runChecks();
        link.onClose(true, 1006, "y");
        link.onDead("no pong");
        link.onHeldDisconnect("too_many_websockets");
        runChecks();
        assertThat(health.starting("disconnected")).isEmpty();
        assertThat(clientCalls).isEmpty();
    }
}
