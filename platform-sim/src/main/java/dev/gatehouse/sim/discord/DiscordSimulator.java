package dev.gatehouse.sim.discord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.sim.SimThreads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback fake of Discord for tests, benchmarks and demos: a gateway (hand-written RFC 6455 server)
 * and a REST API (JDK {@code HttpServer}) on 127.0.0.1 ephemeral ports, hosting any number of bots.
 * Real clients such as JDA connect to it unmodified, pointed at {@link #restBaseUrl()} and
 * {@link #gatewayUrl()}.
 *
 * <pre>{@code
 * try (DiscordSimulator sim = DiscordSimulator.builder().heartbeatInterval(Duration.ofSeconds(2)).start()) {
 *     SimBot bot = sim.registerBot("token-1");
 *     // build JDA against sim.restBaseUrl() / sim.gatewayUrl(), await READY, then:
 *     bot.guildMessage(sim.defaultGuild().defaultChannel(), sim.createUser("alice"), "hello");
 *     bot.inject(GatewayFault.fin());     // JDA resumes; events pushed meanwhile are replayed
 * }
 * }</pre>
 *
 * <p><b>Protocol.</b> HELLO right after the upgrade; IDENTIFY (the token picks the bot) answers READY
 * (with {@code resume_gateway_url} = {@code ws://127.0.0.1:port/resume}) then one GUILD_CREATE per
 * guild; HEARTBEAT answers ACK; RESUME replays the dispatches the client missed then sends RESUMED,
 * or op 9 {@code d=false} for an unknown session. Only JSON text frames, no compression.
 *
 * <p><b>Fault menu</b> (all clearable with {@link #clearFaults()}):
 * <ul>
 *   <li>on open connections, via {@link GatewayFault}: FIN, RST, close with any code, op 7, op 9
 *       true/false, server heartbeat request, stop ACKs, black hole;</li>
 *   <li>per bot ({@link SimBot}) or for all bots (here): {@link IdentifyReply identify reply},
 *       {@code acceptResume}, {@code resumedDataNull}, {@code restUnauthorized}, {@code stopAcks},
 *       {@code blackHole}, {@code rateLimit} (429 N times);</li>
 *   <li>simulator only: {@link AcceptMode accept mode}, {@link #stopListening()} /
 *       {@link #startListening()}, and an optional maximum lifetime.</li>
 * </ul>
 *
 * <p><b>Threads.</b> All are daemons named {@code sim-discord-*}, except the JDK HttpServer's own
 * {@code HTTP-Dispatcher}, which {@link #close()} stops. After {@code close()} returns none is left.
 */
public final class DiscordSimulator implements AutoCloseable {

    /** Discord's usual {@code heartbeat_interval}; the default. */
    public static final Duration DISCORD_HEARTBEAT_INTERVAL = Duration.ofMillis(41_250);

    private static final Logger LOG = LoggerFactory.getLogger(DiscordSimulator.class);

    /** Every thread of a Discord simulator is named {@code sim-discord-<role>}. */
    public static final String THREAD_PREFIX = "sim-discord-";

    private final SimThreads threads = new SimThreads(THREAD_PREFIX);
    private final SimContext context;
    private final ScheduledExecutorService timer;
    private final GatewayServer gateway;
    private final RestServer rest;
    private final SimGuild defaultGuild;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DiscordSimulator(Builder builder) throws IOException {
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> threads.newThread("timer", task));
        this.context = new SimContext(new SimContext.Config(
                builder.heartbeatInterval, builder.closeTimeout, builder.replayCapacity, builder.messageHistory,
                builder.enforceIntents), timer);
        GatewayServer startedGateway = null;
        try {
            startedGateway = new GatewayServer(context, threads);
            this.gateway = startedGateway;
            context.resumeGatewayUrl(gatewayUrl() + "resume");
            this.rest = new RestServer(context, this::statsJson, this::gatewayUrl, threads);
        } catch (IOException | RuntimeException e) {
            if (startedGateway != null) {
                startedGateway.close();
            }
            timer.shutdownNow();
            try {
                threads.awaitTermination(SimThreads.CLOSE_BUDGET);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            throw e;
        }
        this.defaultGuild = context.world().createGuild(builder.guildName, builder.channelNames);
        if (builder.maxLifetime != null) {
            timer.schedule(() -> {
                LOG.warn("discord-sim: maximum lifetime {} reached, closing", builder.maxLifetime);
                close();
            }, builder.maxLifetime.toMillis(), TimeUnit.MILLISECONDS);
        }
        LOG.info("discord-sim: gateway {} rest {}", gatewayUrl(), restBaseUrl());
    }

    /** Starts a simulator with the defaults (heartbeat 41 250 ms, one guild "Gatehouse Sim" with #general). */
    public static DiscordSimulator start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings for a simulator; {@link #start()} binds the ports. */
    public static final class Builder {
        private Duration heartbeatInterval = DISCORD_HEARTBEAT_INTERVAL;
        private Duration closeTimeout = Duration.ofSeconds(5);
        private Duration maxLifetime;
        private int replayCapacity = 1_000;
        private int messageHistory = SimWorld.MAX_MESSAGES;
        private boolean enforceIntents = true;
        private String guildName = "Gatehouse Sim";
        private List<String> channelNames = List.of("general");

        private Builder() {
        }

        /** {@code heartbeat_interval} in HELLO. Tests use 1–2 s; Discord uses 41.25 s. */
        public Builder heartbeatInterval(Duration interval) {
            if (interval.toMillis() < 1) {
                throw new IllegalArgumentException("heartbeat interval must be at least 1 ms: " + interval);
            }
            this.heartbeatInterval = interval;
            return this;
        }

        /** How long the server waits for a close echo, or for the client to close after a FIN (default 5 s). */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Closes the simulator by itself after this long: a guard for demos and runaway benchmarks. */
        public Builder maxLifetime(Duration lifetime) {
            this.maxLifetime = Objects.requireNonNull(lifetime, "lifetime");
            return this;
        }

        /**
         * Dispatches each session keeps for replay (default 1 000, which bounds memory with hundreds of
         * bots); a RESUME from further back gets op 9 {@code d=false}.
         */
        public Builder replayCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("replay capacity must be positive: " + capacity);
            }
            this.replayCapacity = capacity;
            return this;
        }

        /**
         * Messages the simulator keeps for REST (fetching one, a channel's history, edits), oldest dropped first
         * (default 100 000). A benchmark that pushes hundreds of thousands of events and never reads them back
         * keeps a few, so that the simulator's heap does not weigh on the clients it measures.
         */
        public Builder messageHistory(int messages) {
            if (messages < 1) {
                throw new IllegalArgumentException("message history must be positive: " + messages);
            }
            this.messageHistory = messages;
            return this;
        }

        /** Whether events need the intents Discord requires (default true), see {@link DispatchReceipt.Outcome}. */
        public Builder enforceIntents(boolean enforce) {
            this.enforceIntents = enforce;
            return this;
        }

        /** Name and text channels of the guild created at start ({@link DiscordSimulator#defaultGuild()}). */
        public Builder defaultGuild(String name, String... textChannels) {
            this.guildName = Objects.requireNonNull(name, "name");
            this.channelNames = textChannels.length == 0 ? List.of("general") : List.of(textChannels);
            return this;
        }

        public DiscordSimulator start() {
            try {
                return new DiscordSimulator(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the Discord simulator", e);
            }
        }
    }

    // ---- endpoints ------------------------------------------------------------------------------

    /** {@code http://127.0.0.1:<port>/api/v10/}, for JDA's {@code RestConfig.setBaseUrl}. */
    public String restBaseUrl() {
        return "http://127.0.0.1:" + rest.port() + RestServer.API_PREFIX;
    }

    /** {@code ws://127.0.0.1:<port>/}, for {@code SessionController.getGateway()}. */
    public String gatewayUrl() {
        return "ws://127.0.0.1:" + gateway.port() + "/";
    }

    /** {@code http://127.0.0.1:<port>/control/stats}: the counters as JSON. */
    public String statsUrl() {
        return "http://127.0.0.1:" + rest.port() + RestServer.STATS_PATH;
    }

    public int gatewayPort() {
        return gateway.port();
    }

    public int restPort() {
        return rest.port();
    }

    // ---- bots and world -------------------------------------------------------------------------

    /** Registers a bot named {@code sim-bot-<n>}; its IDENTIFY token selects it. */
    public SimBot registerBot(String token) {
        return registerBot(token, "sim-bot-" + (context.bots().size() + 1));
    }

    /** Registers a bot with a generated user id and application id. */
    public SimBot registerBot(String token, String username) {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(username, "username");
        return context.registerBot(token, username);
    }

    public Optional<SimBot> bot(String token) {
        return context.botByToken(token);
    }

    public List<SimBot> bots() {
        return context.bots();
    }

    /** Creates a human user who can author messages, react and click buttons. */
    public SimUser createUser(String username) {
        return context.world().createUser(username, false);
    }

    /** The guild created at start; every bot is a member. */
    public SimGuild defaultGuild() {
        return defaultGuild;
    }

    /** Creates another guild; bots with a live session receive its GUILD_CREATE now (a join). */
    public SimGuild createGuild(String name, String... textChannels) {
        SimGuild guild = context.world().createGuild(name, textChannels.length == 0 ? List.of("general") : List.of(textChannels));
        for (SimBot bot : context.bots()) {
            JsonNode guildCreate = context.guildCreate(guild, bot);
            bot.dispatch("GUILD_CREATE", guildCreate);
        }
        return guild;
    }

    public List<SimGuild> guilds() {
        return context.world().guilds();
    }

    // ---- faults for every bot -------------------------------------------------------------------

    /** How IDENTIFYs are answered for every bot (a bot's own non-READY setting wins). */
    public DiscordSimulator identifyReply(IdentifyReply reply) {
        context.globalFaults().identifyReply = Objects.requireNonNull(reply, "reply");
        return this;
    }

    /** {@code false}: every RESUME gets op 9 {@code d=false}. */
    public DiscordSimulator acceptResume(boolean accept) {
        context.globalFaults().rejectResume = !accept;
        return this;
    }

    /** {@code true}: RESUMED is sent with {@code d:null}. */
    public DiscordSimulator resumedDataNull(boolean on) {
        context.globalFaults().resumedDataNull = on;
        return this;
    }

    /** {@code true}: every REST call gets 401. */
    public DiscordSimulator restUnauthorized(boolean on) {
        context.globalFaults().restUnauthorized = on;
        return this;
    }

    /** {@code true}: no connection gets HEARTBEAT_ACKs. */
    public DiscordSimulator stopAcks(boolean on) {
        context.globalFaults().stopAcks = on;
        return this;
    }

    /** {@code true}: every connection, from its upgrade on, reads and drops everything and sends nothing. */
    public DiscordSimulator blackHole(boolean on) {
        context.globalFaults().blackHole = on;
        return this;
    }

    /** The next {@code times} REST requests of any bot get 429 (after each bot's own budget). */
    public DiscordSimulator rateLimit(int times, Duration retryAfter) {
        context.globalFaults().rateLimit(times, retryAfter);
        return this;
    }

    /** What new TCP connections get; see {@link AcceptMode}. */
    public DiscordSimulator acceptMode(AcceptMode mode) {
        gateway.acceptMode(Objects.requireNonNull(mode, "mode"));
        return this;
    }

    /** Closes the gateway's listening socket so connects are refused; open connections stay. */
    public void stopListening() {
        gateway.stopListening();
    }

    /** Binds the same gateway port again. */
    public void startListening() {
        try {
            gateway.startListening();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean isListening() {
        return gateway.isListening();
    }

    /** Applies {@code fault} to every open connection; returns how many it reached. */
    public int inject(GatewayFault fault) {
        int reached = 0;
        for (GatewayConnection connection : context.openConnections()) {
            if (connection.inject(fault)) {
                reached++;
            }
        }
        return reached;
    }

    /**
     * Back to normal: global and per-bot fault settings cleared, standing faults of open connections
     * lifted, accept mode NORMAL, listening again.
     */
    public void clearFaults() {
        context.globalFaults().clear();
        context.bots().forEach(SimBot::clearFaults);
        context.connections().forEach(GatewayConnection::clearFaults);
        gateway.acceptMode(AcceptMode.NORMAL);
        startListening();
    }

    // ---- observation ----------------------------------------------------------------------------

    /** Open gateway connections, oldest first. */
    public List<SimConnection> connections() {
        return List.copyOf(context.openConnections());
    }

    /** A snapshot of the simulator-wide counters. */
    public GatewayStats stats() {
        return context.globalStats().snapshot();
    }

    /** TCP accepts within the last {@code window} (at most 60 s): the connection rate for storm tests. */
    public long acceptsInLast(Duration window) {
        return context.globalStats().acceptsInLast(window);
    }

    /** Restarts "max open at once" from the number open now, globally and for every bot. */
    public void resetMaxOpen() {
        context.globalStats().resetMaxOpen();
        context.bots().forEach(SimBot::resetMaxOpen);
    }

    /** Every REST request received, oldest first (the newest 100 000 are kept). */
    public List<RestCall> restCalls() {
        return context.restCalls().snapshot();
    }

    /** The JSON served at {@link #statsUrl()}. Bots are listed by user id and name; tokens never appear. */
    public ObjectNode statsJson() {
        ObjectNode root = Payloads.MAPPER.createObjectNode();
        root.set("global", Payloads.MAPPER.valueToTree(stats()));
        root.put("acceptsLast10s", acceptsInLast(Duration.ofSeconds(10)));
        root.put("listening", isListening());
        root.put("acceptMode", gateway.acceptMode().name());
        ArrayNode bots = root.putArray("bots");
        for (SimBot bot : context.bots()) {
            ObjectNode node = bots.addObject();
            node.put("userId", bot.userId());
            node.put("username", bot.username());
            node.put("session", bot.sessionId().isPresent());
            node.put("acceptsLast10s", bot.acceptsInLast(Duration.ofSeconds(10)));
            node.set("stats", Payloads.MAPPER.valueToTree(bot.stats()));
        }
        return root;
    }

    public boolean isClosed() {
        return closed.get();
    }

    /** Stops both servers, drops every connection and ends every simulator thread. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        gateway.close();
        rest.close();
        timer.shutdownNow();
        try {
            List<Thread> left = threads.awaitTermination(SimThreads.CLOSE_BUDGET);
            if (!left.isEmpty()) {
                LOG.warn("discord-sim: threads still running after close: {}", left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("discord-sim: closed ({})", stats());
    }
}
