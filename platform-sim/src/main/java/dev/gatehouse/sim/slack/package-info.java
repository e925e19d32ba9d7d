/**
 * A loopback fake of Slack (Web API + Socket Mode) that speaks the real protocol, for running the real
 * Slack SDK against in tests, benchmarks and the no-token demo.
 *
 * <p>Typical use with Bolt Socket Mode (Tyrus backend):
 * <pre>{@code
 * try (SlackSimulator sim = SlackSimulator.builder().ackTimeout(Duration.ofMillis(500)).start()) {
 *     SimSlackApp app = sim.registerApp();                       // generated tokens and ids
 *     SlackConfig config = new SlackConfig();
 *     config.setMethodsEndpointUrlPrefix(sim.apiUrl());
 *     config.setStatsEnabled(false);
 *     // ... App with singleTeamBotToken(app.botToken()), SocketModeApp(app.appToken(), ...), startAsync()
 *     Delivery d = sim.pushMessage(app, "C1", "U1", "hello");   // round-robin over the app's sockets
 *     await().until(() -> sim.ackFor(app, d.envelopeId()).isPresent());
 *     sim.inject(sim.oldestConnection(app), ConnectionFault.halfOpen());
 *     sim.failMethod(app, "apps.connections.open", MethodFault.serverError());
 * }
 * }</pre>
 *
 * <p>Fault menu: {@link dev.gatehouse.sim.slack.ConnectionFault} (abrupt close, RST, close frame, half-open,
 * black hole), {@link dev.gatehouse.sim.slack.MethodFault} (HTTP error, 429 + Retry-After, {@code ok:false}),
 * {@link dev.gatehouse.sim.slack.AuthState} ({@code invalid_auth}, {@code token_revoked}),
 * {@link dev.gatehouse.sim.slack.SlackSimulator#rejectHandshakes handshake rejection} and
 * {@link dev.gatehouse.sim.slack.DisconnectReason disconnect messages}.
 *
 * <p>How the SDK reacts to each is measured in the team's Socket Mode note and checked by this module's
 * {@code SlackSimulatorBoltTest}.
 */
package dev.gatehouse.sim.slack;
