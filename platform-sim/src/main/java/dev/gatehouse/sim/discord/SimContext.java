package dev.gatehouse.sim.discord;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;

/**
 * State shared by the gateway server, its connections, the REST server and the public handles:
 * configuration, bots, sessions, open connections, global faults and counters. It owns no threads
 * except the {@link #timer()} it is given.
 */
final class SimContext {

    /** Settings fixed at start. */
    record Config(Duration heartbeatInterval, Duration closeTimeout, int replayCapacity, int messageHistory,
            boolean enforceIntents) {
    }

    private final Config config;
    private final ScheduledExecutorService timer;
    private final SimWorld world;
    private final FaultSettings globalFaults = new FaultSettings();
    private final StatsCounters globalStats = new StatsCounters(System::nanoTime);
    private final BoundedLog<RestCall> restCalls = new BoundedLog<>(100_000);
    private final Map<String, SimBot> botsByToken = new ConcurrentHashMap<>();
    private final Map<String, SimBot> botsByUserId = new ConcurrentHashMap<>();
    private final List<SimBot> bots = new CopyOnWriteArrayList<>();
    private final Map<String, GatewaySession> sessions = new ConcurrentHashMap<>();
    private final Map<Long, GatewayConnection> connections = new ConcurrentHashMap<>();
    /** Set once the gateway is bound, before any connection can arrive. */
    private volatile String resumeGatewayUrl;

    SimContext(Config config, ScheduledExecutorService timer) {
        this.config = config;
        this.timer = timer;
        this.world = new SimWorld(config.messageHistory());
    }

    Config config() {
        return config;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    SimWorld world() {
        return world;
    }

    FaultSettings globalFaults() {
        return globalFaults;
    }

    StatsCounters globalStats() {
        return globalStats;
    }

    BoundedLog<RestCall> restCalls() {
        return restCalls;
    }

    void resumeGatewayUrl(String url) {
        resumeGatewayUrl = url;
    }

    // ---- bots -----------------------------------------------------------------------------------

    SimBot registerBot(String token, String username) {
        SimUser user = world.createUser(username, true);
        SimBot bot = new SimBot(this, token, user, world.nextId());
        if (botsByToken.putIfAbsent(token, bot) != null) {
            throw new IllegalArgumentException("a bot with this token is already registered");
        }
        botsByUserId.put(user.id(), bot);
        bots.add(bot);
        return bot;
    }

    /** The bot for a token, with or without the {@code "Bot "} prefix JDA adds on REST. */
    Optional<SimBot> botByToken(String token) {
        if (token == null) {
            return Optional.empty();
        }
        String bare = token.startsWith("Bot ") ? token.substring(4) : token;
        return Optional.ofNullable(botsByToken.get(bare));
    }

    Optional<SimBot> botByUserId(String userId) {
        return Optional.ofNullable(botsByUserId.get(userId));
    }

    List<SimBot> bots() {
        return List.copyOf(bots);
    }

    // ---- effective faults: on if on globally or for the bot --------------------------------------

    IdentifyReply identifyReply(SimBot bot) {
        IdentifyReply own = bot.faults().identifyReply;
        return own != IdentifyReply.READY ? own : globalFaults.identifyReply;
    }

    boolean rejectResume(SimBot bot) {
        return globalFaults.rejectResume || bot.faults().rejectResume;
    }

    boolean resumedDataNull(SimBot bot) {
        return globalFaults.resumedDataNull || bot.faults().resumedDataNull;
    }

    boolean restUnauthorized(SimBot bot) {
        return globalFaults.restUnauthorized || bot.faults().restUnauthorized;
    }

    boolean stopAcks(SimBot botOrNull) {
        return globalFaults.stopAcks || (botOrNull != null && botOrNull.faults().stopAcks);
    }

    boolean blackHole(SimBot botOrNull) {
        return globalFaults.blackHole || (botOrNull != null && botOrNull.faults().blackHole);
    }

    /** Takes a pending 429 from the bot's or the global budget, bot first. */
    Optional<Duration> takeRateLimit(SimBot bot) {
        if (bot.faults().takeRateLimit()) {
            return Optional.of(bot.faults().rateLimitRetryAfter);
        }
        if (globalFaults.takeRateLimit()) {
            return Optional.of(globalFaults.rateLimitRetryAfter);
        }
        return Optional.empty();
    }

    // ---- sessions -------------------------------------------------------------------------------

    /**
     * Starts a session for {@code bot} on {@code conn}: READY, then GUILD_CREATE per guild. The bot's
     * earlier sessions stay live up to {@link SimBot#MAX_SESSIONS}; the oldest beyond that ends.
     */
    GatewaySession startSession(SimBot bot, int intents, GatewayConnection conn) {
        GatewaySession session = new GatewaySession(UUID.randomUUID().toString().replace("-", ""), bot, intents, this);
        List<SimGuild> guilds = world.guilds();
        List<JsonNode> guildCreates = guilds.stream().map(g -> guildCreate(g, bot)).toList();
        // Published while holding the session's monitor: a dispatch racing with READY waits for it
        // and then gets the next sequence number, never s=1.
        synchronized (session) {
            sessions.put(session.id(), session);
            bot.addSession(session).forEach(this::endSession);
            session.begin(conn, Payloads.ready(bot, session.id(), resumeGatewayUrl, guilds), guildCreates);
        }
        return session;
    }

    JsonNode guildCreate(SimGuild guild, SimBot bot) {
        List<SimUser> humans = world.humans();
        String ownerId = humans.isEmpty() ? bot.userId() : humans.get(0).id();
        return Payloads.guildCreate(guild, bot, humans, ownerId);
    }

    Optional<GatewaySession> session(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(sessions.get(id));
    }

    void endSession(GatewaySession session) {
        session.invalidate();
        sessions.remove(session.id());
        session.bot().forgetSession(session);
    }

    // ---- connections ----------------------------------------------------------------------------

    void addConnection(GatewayConnection connection) {
        connections.put(connection.id(), connection);
    }

    void removeConnection(GatewayConnection connection) {
        connections.remove(connection.id());
    }

    /** Every registered connection, closing ones included (their threads still run), oldest first. */
    List<GatewayConnection> connections() {
        return connections.values().stream()
                .sorted((a, b) -> Long.compare(a.id(), b.id()))
                .toList();
    }

    /** Connections still counted as open, oldest first. */
    List<GatewayConnection> openConnections() {
        return connections().stream().filter(GatewayConnection::isOpen).toList();
    }

    List<GatewayConnection> openConnectionsOf(SimBot bot) {
        return openConnections().stream().filter(c -> c.bot().orElse(null) == bot).toList();
    }
}
