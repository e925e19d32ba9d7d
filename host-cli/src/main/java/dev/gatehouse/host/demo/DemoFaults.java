package dev.gatehouse.host.demo;

import dev.gatehouse.sim.discord.DiscordSimulator;
import dev.gatehouse.sim.discord.GatewayFault;
import dev.gatehouse.sim.discord.SimBot;
import dev.gatehouse.sim.slack.ConnectionFault;
import dev.gatehouse.sim.slack.DisconnectReason;
import dev.gatehouse.sim.slack.MethodFault;
import dev.gatehouse.sim.slack.SimConnection;
import dev.gatehouse.sim.slack.SimSlackApp;
import dev.gatehouse.sim.slack.SlackSimulator;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** The demo's fault menu, injected one after the other. */
final class DemoFaults {

    /** One fault: a description and how to inject (and later clear) it. */
    record Fault(String target, String description, Runnable inject) {
    }

    private DemoFaults() {
    }

    static List<Fault> menu(SlackSimulator slack, SimSlackApp acme, SimSlackApp globex, DiscordSimulator discord, SimBot gamers,
            ScheduledExecutorService later) {
        Function<SimSlackApp, SimConnection> current = app -> {
            List<SimConnection> open = slack.openConnections(app);
            return open.isEmpty() ? null : open.get(open.size() - 1);
        };
        return List.of(
                new Fault("slack/acme", "abrupt close (no close frame)", () -> ifOpen(current.apply(acme),
                        c -> slack.inject(c, ConnectionFault.abruptClose()))),
                new Fault("discord/gamers", "zombie: heartbeat ACKs stop on the live socket", () -> gamers.connections().stream()
                        .filter(c -> c.isOpen()).forEach(c -> c.inject(GatewayFault.stopAcks()))),
                new Fault("slack/globex", "half-open: pings go unanswered", () -> ifOpen(current.apply(globex),
                        c -> slack.inject(c, ConnectionFault.halfOpen()))),
                new Fault("slack/acme", "refresh_requested from Slack", () -> ifOpen(current.apply(acme),
                        c -> slack.sendDisconnect(c, DisconnectReason.REFRESH_REQUESTED))),
                new Fault("slack/globex", "short outage: socket dropped, apps.connections.open failing for 12 s", () -> {
                    slack.failMethod(globex, "apps.connections.open", MethodFault.serverError());
                    ifOpen(current.apply(globex), c -> slack.inject(c, ConnectionFault.abruptClose()));
                    later.schedule(() -> slack.clearMethodFault(globex, "apps.connections.open"), 12, TimeUnit.SECONDS);
                }),
                new Fault("discord/gamers", "short outage: gateway refuses connections for 8 s", () -> {
                    discord.stopListening();
                    gamers.connections().stream().filter(c -> c.isOpen()).forEach(c -> c.inject(GatewayFault.fin()));
                    later.schedule(discord::startListening, 8, TimeUnit.SECONDS);
                }));
    }

    private static void ifOpen(SimConnection c, java.util.function.Consumer<SimConnection> action) {
        if (c != null && c.isOpen()) {
            action.accept(c);
        }
    }
}
