package dev.gatehouse.bench;

import dev.gatehouse.sim.slack.SimConnection;
import dev.gatehouse.sim.slack.SimSlackApp;
import dev.gatehouse.sim.slack.SlackSimulator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Recovery rounds for a set of Slack apps, whoever runs them (Gatehouse or bare Bolt). Everything is
 * judged from the simulator's side, so both are measured the same way: "connected again" is the opening
 * of the app's first socket after the faulted one (the simulator sends {@code hello} on open).
 */
final class SlackRound {

    /** The SDK's session monitor checks every 5 s: the injections are spread over one such period. */
    static final Duration MONITOR_PERIOD = Duration.ofSeconds(5);
    /** A socket younger than this may still be replacing another one. */
    private static final Duration SETTLED_AFTER = Duration.ofMillis(300);
    private static final Duration SETTLE_WITHIN = Duration.ofSeconds(90);

    private final String client;
    private final SlackSimulator sim;
    private final List<SimSlackApp> apps;
    private final Arrivals arrivals;

    SlackRound(String client, SlackSimulator sim, List<SimSlackApp> apps, Arrivals arrivals) {
        this.client = client;
        this.sim = sim;
        this.apps = apps;
        this.arrivals = arrivals;
    }

    /** Waits until every app holds exactly one socket, for a moment, and returns them. */
    List<SimConnection> settle() {
        Poll.require(SETTLE_WITHIN, client + " Slack apps to hold one socket each", () -> apps.stream().allMatch(app -> {
            List<SimConnection> open = sim.openConnections(app);
            return open.size() == 1 && open.get(0).openedAt().isBefore(Instant.now().minus(SETTLED_AFTER));
        }));
        return apps.stream().map(sim::oldestConnection).toList();
    }

    RoundResult run(SlackFault fault, Duration outage, Duration timeout) {
        List<SimConnection> faulted = settle();
        apps.forEach(sim::resetMaxOpenAtOnce);
        List<Long> openedBefore = apps.stream().map(app -> sim.stats(app).socketsOpened()).toList();
        TrialLoop.Result result = TrialLoop.run(new Trials(fault, faulted), MONITOR_PERIOD,
                fault.sustained() ? outage : null, timeout);
        List<Long> opened = new ArrayList<>();
        List<Integer> maxOpen = new ArrayList<>();
        for (int i = 0; i < apps.size(); i++) {
            var stats = sim.stats(apps.get(i));
            opened.add(stats.socketsOpened() - openedBefore.get(i));
            maxOpen.add(stats.maxOpenAtOnce());
        }
        return new RoundResult(fault.key(), fault.description(), client, result, opened, maxOpen);
    }

    private final class Trials implements TrialLoop.Trials {
        private final SlackFault fault;
        private final List<SimConnection> faulted;

        Trials(SlackFault fault, List<SimConnection> faulted) {
            this.fault = fault;
            this.faulted = faulted;
        }

        @Override
        public int size() {
            return faulted.size();
        }

        @Override
        public void inject(int i) {
            fault.inject(sim, faulted.get(i));
        }

        @Override
        public void lift(int i) {
            fault.lift(sim, faulted.get(i));
        }

        @Override
        public OptionalDouble connectedMillis(int i, TrialLoop.Mark t0) {
            long old = faulted.get(i).id();
            return sim.connectionHistory(apps.get(i)).stream().filter(c -> c.id() > old).findFirst()
                    .map(c -> OptionalDouble.of(t0.millisUntil(c.openedAt()))).orElse(OptionalDouble.empty());
        }

        @Override
        public String probe(int i) {
            try {
                return SlackMessages.push(sim, apps.get(i), "C0BENCH", "probe").ts();
            } catch (IllegalStateException noSocket) {
                return null; // nothing open to push to: Slack would hold the event, the simulator refuses it
            }
        }

        @Override
        public Arrivals arrivals() {
            return arrivals;
        }
    }
}
