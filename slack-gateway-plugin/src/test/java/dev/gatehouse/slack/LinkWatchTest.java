package dev.gatehouse.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.slack.api.socket_mode.SocketModeClient;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
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
        link.attach((SocketModeClient) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {SocketModeClient.class}, (proxy, method, args) -> {
                    clientCalls.add(method.getName() + (args == null ? "" : Arrays.toString(args)));
                    return switch (method.getName()) {
                        case "verifyConnection" -> currentSessionUp;
                        case "toString" -> "fake client";
                        default -> null;
                    };
                }));
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
    void aCloseIsConfirmedOffTheIoThreadAndReportedOncePerLoss() {
        link.onHello(1);
        health.signals.clear();
        link.onClose(1006, "Closed abnormally.");
        assertThat(health.starting("disconnected")).isEmpty();
        runChecks();
        assertThat(clientCalls).containsExactly("verifyConnection");
        assertThat(health.starting("disconnected")).singleElement().asString().contains("code 1006");
        link.onClose(1006, "again");
        runChecks();
        assertThat(health.starting("disconnected")).hasSize(1);
        link.onHello(1);
        link.onClose(1001, "going away");
        runChecks();
        assertThat(health.starting("disconnected")).hasSize(2);
    }

    @Test
    void theCloseOfASocketTheClientSupersededNeverMarksTheLiveOneDown() {
        link.onHello(1);
        link.onHello(2);
        link.onClose(1000, LinkWatch.CLOSED_BY_CLIENT);
        assertThat(pendingChecks).isEmpty();
        assertThat(health.starting("disconnected")).isEmpty();
        assertThat(health.signals).endsWith("sockets(1)");
    }

    @Test
    void aCloseFollowedByANewHelloBeforeTheCheckIsNotALoss() {
        link.onHello(1);
        link.onClose(1001, "going away");
        link.onHello(1);
        runChecks();
        assertThat(clientCalls).isEmpty();
        assertThat(health.starting("disconnected")).isEmpty();
    }

    @Test
    void aCloseWhileTheCurrentSessionStillAnswersIsNotALoss() {
        link.onHello(1);
        currentSessionUp = true;
        link.onClose(1000, "server closed an old socket");
        runChecks();
        assertThat(health.starting("disconnected")).isEmpty();
    }

    @Test
    void aHeldDisconnectStopsTheSdksReconnectingAndReportsDown() {
        link.onHello(1);
        link.onHeldDisconnect("too_many_websockets");
        runChecks();
        assertThat(clientCalls).containsExactly("setAutoReconnectEnabled[false]", "disconnect");
        assertThat(health.starting("disconnected")).singleElement().asString().contains("too_many_websockets");
        link.onClose(1000, LinkWatch.CLOSED_BY_CLIENT);
        runChecks();
        assertThat(health.starting("disconnected")).hasSize(1);
    }

    @Test
    void nothingIsReportedOnceClosing() {
        link.onHello(1);
        link.onClose(1006, "x");
        link.closing();
        runChecks();
        link.onClose(1006, "y");
        link.onHeldDisconnect("too_many_websockets");
        runChecks();
        assertThat(health.starting("disconnected")).isEmpty();
        assertThat(clientCalls).isEmpty();
    }
}
