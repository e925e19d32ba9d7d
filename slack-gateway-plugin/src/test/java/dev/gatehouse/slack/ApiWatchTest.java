package dev.gatehouse.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.slack.api.methods.SlackApiException;
import dev.gatehouse.api.GatewaySettings;
import dev.gatehouse.host.exec.HostExecutors;
import dev.gatehouse.sim.slack.MethodFault;
import dev.gatehouse.sim.slack.SimSlackApp;
import dev.gatehouse.sim.slack.SlackSimulator;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Web API watch on a real OkHttp client and the real SDK, against the simulator. */
class ApiWatchTest {

    private static SlackSimulator sim;
    private SimSlackApp app;
    private final List<String> fatal = new CopyOnWriteArrayList<>();
    private final HostExecutors executors = new HostExecutors("slack-test-1", getClass().getClassLoader(), "test", "slack", 1);
    private SlackSdk sdk;

    @BeforeAll
    static void startSimulator() {
        sim = SlackSimulator.builder().maxLifetime(Duration.ofMinutes(5)).start();
    }

    @AfterAll
    static void stopSimulator() {
        sim.close();
    }

    @BeforeEach
    void connect() {
        app = sim.registerApp();
        SlackSettings settings = SlackSettings.from(new GatewaySettings("workspaces.acme.slack",
                Map.of("appToken", app.appToken(), "botToken", app.botToken(), "apiUrl", sim.apiUrl())));
        sdk = SlackSdk.create(settings, new SdkExecutors(executors), new ApiWatch("workspaces.acme.slack", fatal::add));
    }

    @AfterEach
    void close() throws Exception {
        sdk.close();
        executors.shutdown(Duration.ofSeconds(2));
    }

    @Test
    void aRevokedAppTokenOnConnectionsOpenIsReportedAsFatalNamingTheSetting() {
        sim.failMethod(app, "apps.connections.open", MethodFault.errorReply("token_revoked"));
        assertThatThrownBy(() -> sdk.slack().issueSocketModeUrl(app.appToken())).isInstanceOf(IllegalStateException.class);
        assertThat(fatal).singleElement().asString()
                .contains("apps.connections.open").contains("'token_revoked'").contains("workspaces.acme.slack.appToken")
                .contains("connections:write").doesNotContain(app.appToken());
    }

    @Test
    void anInvalidBotTokenOnAuthTestIsReportedAsFatal() {
        sim.failMethod(app, "auth.test", MethodFault.invalidAuth());
        assertThatThrownBy(sdk::identify).hasMessageContaining("invalid_auth");
        assertThat(fatal).singleElement().asString().contains("workspaces.acme.slack.botToken")
                .contains("reinstall").doesNotContain(app.botToken());
    }

    @Test
    void transientFailuresAreRememberedButNotFatal() {
        sim.failMethod(app, "apps.connections.open", MethodFault.serverError(), 1);
        assertThatThrownBy(() -> sdk.slack().issueSocketModeUrl(app.appToken())).isInstanceOf(IOException.class);
        assertThat(sdk.lastConnectionsOpenFailure()).isEqualTo("HTTP 500 'fatal_error'");
        sim.failMethod(app, "apps.connections.open", MethodFault.errorReply("internal_error"), 1);
        assertThatThrownBy(() -> sdk.slack().issueSocketModeUrl(app.appToken())).isInstanceOf(IllegalStateException.class);
        assertThat(sdk.lastConnectionsOpenFailure()).isEqualTo("'internal_error'");
        assertThat(fatal).isEmpty();
    }

    @Test
    void anAuthErrorOnAMessageCallIsTheCallersErrorNotAFatalOne() throws Exception {
        sim.failMethod(app, "chat.postMessage", MethodFault.invalidAuth());
        assertThat(sdk.botMethods().chatPostMessage(r -> r.channel("C1").text("x")).getError()).isEqualTo("invalid_auth");
        assertThat(fatal).isEmpty();
    }

    @Test
    void onceClosingNoCallReachesSlack() throws SlackApiException, IOException {
        assertThat(sdk.identify().userId()).isEqualTo(app.botUserId());
        long calls = sim.apiCalls(app).size();
        sdk.refuseCalls("slack/acme epoch 1");
        assertThatThrownBy(() -> sdk.slack().issueSocketModeUrl(app.appToken())).hasMessageContaining("is closed");
        assertThat(sim.apiCalls(app)).hasSize((int) calls);
    }
}
