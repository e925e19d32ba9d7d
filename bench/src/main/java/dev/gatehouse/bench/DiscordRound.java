package dev.gatehouse.bench;

import dev.gatehouse.sim.discord.DiscordSimulator;
import dev.gatehouse.sim.discord.DispatchReceipt;
import dev.gatehouse.sim.discord.SimBot;
import dev.gatehouse.sim.discord.SimChannel;
import dev.gatehouse.sim.discord.SimConnection;
import dev.gatehouse.sim.discord.SimUser;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.IntConsumer;

/**
 * Recovery rounds for a set of Discord bots, whoever runs them (Gatehouse or bare JDA), judged from the
 * simulator's side: "connected again" is the moment the simulator answered READY or RESUMED on a socket
 * newer than the faulted one, at or after the fault (for the storm: after it ended), as the simulator
 * recorded it.
 */
final class DiscordRound {

    private static final Duration SETTLE_WITHIN = Duration.ofSeconds(90);
    /** How long bots may stay unsettled before a client that can be restarted is (see {@link #settle}). */
    private static final Duration STUCK_AFTER = Duration.ofSeconds(30);

    private final String client;
    private final DiscordSimulator sim;
    private final List<SimBot> bots;
    private final Arrivals arrivals;
    private final SimChannel channel;
    private final SimUser author;
    private final Duration heartbeat;
    private final Duration settledAfter;
    /** Restarts the client of the bot at an index, or null (Gatehouse's clients are never restarted). */
    private final IntConsumer restart;
    /** What {@link #settle} had to restart, for the section's notes. */
    private final List<String> restarts = new ArrayList<>();

    /**
     * @param heartbeat the simulator's heartbeat interval: a socket counts as settled after two ACKs, so a
     *     client that learns the cadence from them (the Gatehouse plugin) knows it
     */
    DiscordRound(String client, DiscordSimulator sim, List<SimBot> bots, Arrivals arrivals, Duration heartbeat,
            IntConsumer restart) {
        this.client = client;
        this.restart = restart;
        this.sim = sim;
        this.bots = bots;
        this.arrivals = arrivals;
        this.channel = sim.defaultGuild().defaultChannel();
        this.author = sim.createUser("prober-" + client);
        this.heartbeat = heartbeat;
        this.settledAfter = heartbeat.multipliedBy(2).plusMillis(500);
    }

    /**
     * Waits until every bot holds exactly one identified socket with a session, old enough, and returns them.
     * A bare JDA that stays unsettled for {@link #STUCK_AFTER} after a round (one did, once, after a zombie
     * round: every later round of the run then went unmeasured) is restarted — noted in {@link #restarts},
     * with what its socket count was — so that the rounds after it are measured; Gatehouse's never are.
     */
    List<SimConnection> settle() {
        if (restart != null && !Poll.until(STUCK_AFTER, Duration.ofMillis(20), this::allSettled)) {
            for (int i = 0; i < bots.size(); i++) {
                SimBot bot = bots.get(i);
                if (!settled(bot)) {
                    restarts.add(bot + " (" + bot.connections().size() + " open socket(s), session "
                            + (bot.sessionId().isPresent() ? "held" : "none") + ")");
                    restart.accept(i);
                }
            }
        }
        Poll.require(SETTLE_WITHIN, client + " Discord bots to hold one settled socket each", this::allSettled);
        return bots.stream().map(bot -> bot.connections().get(0)).toList();
    }

    /** The bare clients restarted because they stayed unsettled, each with its state then; empty for most runs. */
    List<String> restarts() {
        return List.copyOf(restarts);
    }

    private boolean allSettled() {
        return bots.stream().allMatch(this::settled);
    }

    private boolean settled(SimBot bot) {
        List<SimConnection> open = bot.connections();
        return open.size() == 1 && bot.sessionId().isPresent()
                && open.get(0).acceptedAt().isBefore(Instant.now().minus(settledAfter));
    }

    RoundResult run(DiscordFault fault, Duration storm, Duration timeout) {
        List<SimConnection> faulted = settle();
        bots.forEach(SimBot::resetMaxOpen);
        List<Long> acceptsBefore = bots.stream().map(b -> b.stats().tcpAccepts()).toList();
        // The storm changes the whole gateway, so it hits every bot at once; other faults are spread over one
        // heartbeat interval, the period of JDA's and the plugin's liveness checks.
        TrialLoop.Result result = TrialLoop.run(new Trials(fault, faulted), fault.sustained() ? Duration.ZERO : heartbeat,
                fault.sustained() ? storm : null, timeout);
        List<Long> opened = new ArrayList<>();
        List<Integer> maxOpen = new ArrayList<>();
        for (int i = 0; i < bots.size(); i++) {
            var stats = bots.get(i).stats();
            opened.add(stats.tcpAccepts() - acceptsBefore.get(i));
            maxOpen.add(stats.maxOpenAtOnce());
        }
        return new RoundResult(fault.key(), fault.description(), client, result, opened, maxOpen);
    }

    private final class Trials implements TrialLoop.Trials {
        private final DiscordFault fault;
        private final List<SimConnection> faulted;

        Trials(DiscordFault fault, List<SimConnection> faulted) {
            this.fault = fault;
            this.faulted = faulted;
        }

        @Override
        public int size() {
            return faulted.size();
        }

        @Override
        public void inject(int i) {
            fault.inject(sim, bots.get(i));
        }

        @Override
        public void lift(int i) {
            fault.lift(sim, bots.get(i));
        }

        @Override
        public OptionalDouble connectedMillis(int i, TrialLoop.Mark t0) {
            // The simulator's own record of when it answered, not when this loop happened to look: the loop's
            // period (5 ms and a pass over every trial) would otherwise be part of a figure of a few milliseconds.
            long old = faulted.get(i).id();
            return bots.get(i).connections().stream()
                    .filter(c -> c.id() > old)
                    .flatMap(c -> c.sessionAt().stream())
                    .filter(at -> !at.isBefore(t0.wall()))
                    .min(Comparator.naturalOrder())
                    .map(at -> OptionalDouble.of(t0.millisUntil(at))).orElse(OptionalDouble.empty());
        }

        @Override
        public String probe(int i) {
            DispatchReceipt r = bots.get(i).guildMessage(channel, author, "probe");
            return r.accepted() ? r.entityId() : null;
        }

        @Override
        public Arrivals arrivals() {
            return arrivals;
        }
    }
}
