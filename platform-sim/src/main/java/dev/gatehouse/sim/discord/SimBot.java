package dev.gatehouse.sim.discord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * One bot registered with the {@link DiscordSimulator}: its identity, its gateway session, the events
 * the test pushes to it, the faults that apply to it alone, and what it did (counters, REST calls).
 *
 * <p>Dispatch helpers target every live session of the bot: a bot may hold {@value #MAX_SESSIONS}
 * sessions at once (a client that identifies again before closing its previous session, as a host does
 * when it hands a connection over), and each session gets the event with its own sequence number, as
 * Discord sends a bot's events to each of its sessions. Pushed while a socket is attached, an event is
 * sent at once; pushed while the bot is disconnected (or its socket is frozen), it waits in the session
 * and a RESUME replays it — exactly Discord's behaviour. A bot that never identified, or whose sessions
 * were invalidated, drops events ({@link DispatchReceipt.Outcome#NO_SESSION}). A further IDENTIFY ends
 * the oldest session.
 *
 * <p>Fault setters change future decisions (the next IDENTIFY, RESUME, heartbeat, REST request); use
 * {@link #inject(GatewayFault)} to act on the bot's open connections. Setters return {@code this}.
 */
public final class SimBot {

    private final SimContext context;
    private final String token;
    private final SimUser user;
    private final String applicationId;
    private final FaultSettings faults = new FaultSettings();
    private final StatsCounters counters = new StatsCounters(System::nanoTime);
    private final BoundedLog<RestCall> restCalls = new BoundedLog<>(10_000);
    /** Sessions at once; a further IDENTIFY ends the oldest. */
    public static final int MAX_SESSIONS = 2;

    /** Live sessions, oldest first; guarded by itself. */
    private final List<GatewaySession> sessions = new ArrayList<>();
    /** When the last IDENTIFY was accepted (System.nanoTime), or {@code Long.MIN_VALUE}; guarded by {@link #sessions}. */
    private long lastIdentifyNanos = Long.MIN_VALUE;

    SimBot(SimContext context, String token, SimUser user, String applicationId) {
        this.context = context;
        this.token = token;
        this.user = user;
        this.applicationId = applicationId;
    }

    // ---- identity -------------------------------------------------------------------------------

    /** The token the bot identifies with (never logged by the simulator). */
    public String token() {
        return token;
    }

    /** The bot user's snowflake. */
    public String userId() {
        return user.id();
    }

    /** The application's snowflake (distinct from the user id, as for newer Discord apps). */
    public String applicationId() {
        return applicationId;
    }

    public String username() {
        return user.username();
    }

    /** The bot as a user, e.g. to mention it in {@link #guildMessage}. */
    public SimUser asUser() {
        return user;
    }

    /** The DM channel between this bot and {@code other}, created on first use. */
    public SimChannel dmChannel(SimUser other) {
        return context.world().dmChannel(this, other);
    }

    // ---- events ---------------------------------------------------------------------------------

    /**
     * MESSAGE_CREATE in a guild text channel (needs the GUILD_MESSAGES intent). Without the
     * MESSAGE_CONTENT intent the content is blanked, as Discord does, unless the bot is mentioned.
     *
     * @param mentions users listed in {@code mentions}; put their {@link SimUser#mention()} in the content
     */
    public DispatchReceipt guildMessage(SimChannel channel, SimUser author, String content, SimUser... mentions) {
        requireGuildChannel(channel);
        ObjectNode message = Payloads.message(
                context.world().nextId(), channel, author, content, Arrays.asList(mentions));
        context.world().putMessage(message);
        boolean visible = author.id().equals(userId())
                || Arrays.stream(mentions).anyMatch(m -> m.id().equals(userId()));
        return dispatch("MESSAGE_CREATE", Intents.GUILD_MESSAGES,
                intents -> visible || Intents.has(intents, Intents.MESSAGE_CONTENT)
                        ? message : Payloads.withoutContent(message),
                message.get("id").asText());
    }

    /** MESSAGE_CREATE in the DM between {@code author} and this bot (needs DIRECT_MESSAGES). */
    public DispatchReceipt directMessage(SimUser author, String content) {
        ObjectNode message = Payloads.message(context.world().nextId(), dmChannel(author), author, content, List.of());
        context.world().putMessage(message);
        return dispatch("MESSAGE_CREATE", Intents.DIRECT_MESSAGES, intents -> message, message.get("id").asText());
    }

    /** MESSAGE_REACTION_ADD by {@code reactor}; {@code emoji} is unicode or {@code name:id}. */
    public DispatchReceipt reactionAdd(SimChannel channel, String messageId, SimUser reactor, String emoji) {
        String authorId = context.world().message(messageId).map(m -> m.path("author").path("id").asText()).orElse(null);
        ObjectNode data = Payloads.reactionAdd(channel, messageId, reactor, emoji, authorId);
        int intent = channel.isGuildChannel() ? Intents.GUILD_MESSAGE_REACTIONS : Intents.DIRECT_MESSAGE_REACTIONS;
        return dispatch("MESSAGE_REACTION_ADD", intent, intents -> data, messageId);
    }

    /** MESSAGE_DELETE; the message is also removed from the simulated store. */
    public DispatchReceipt messageDelete(SimChannel channel, String messageId) {
        context.world().deleteMessage(messageId);
        int intent = channel.isGuildChannel() ? Intents.GUILD_MESSAGES : Intents.DIRECT_MESSAGES;
        return dispatch("MESSAGE_DELETE", intent, intents -> Payloads.messageDelete(channel, messageId), messageId);
    }

    /**
     * INTERACTION_CREATE for a click on a button ({@code component_type} 2) of message {@code messageId}.
     * If the bot sent that message through the simulated REST API it is used as is; otherwise a bot
     * message holding one button with {@code customId} is made up. The interaction is open for one
     * callback on {@code POST /interactions/{id}/{token}/callback}. The receipt's entity id is the
     * interaction id.
     */
    public DispatchReceipt buttonClick(SimChannel channel, String messageId, SimUser clicker, String customId) {
        ObjectNode message = context.world().message(messageId)
                .filter(m -> m.path("channel_id").asText().equals(channel.id()))
                .orElseGet(() -> {
                    ObjectNode madeUp = Payloads.message(messageId, channel, user, "", List.of());
                    madeUp.remove("member");
                    madeUp.set("components", Payloads.buttonRow(customId));
                    return madeUp;
                });
        SimWorld.Interaction interaction = context.world().openInteraction(this, channel);
        ObjectNode data = Payloads.buttonInteraction(
                interaction.id, interaction.token, this, channel, clicker, message, customId);
        return dispatch("INTERACTION_CREATE", Intents.NONE, intents -> data, interaction.id);
    }

    /** Any dispatch, unchecked: {@code data} becomes {@code d} verbatim. */
    public DispatchReceipt dispatch(String eventType, JsonNode data) {
        Objects.requireNonNull(eventType, "eventType");
        return dispatch(eventType, Intents.NONE, intents -> data, null);
    }

    /** Sends to every live session; the receipt is the newest session's, SENT if any session sent it. */
    private DispatchReceipt dispatch(String type, int intent, IntFunction<JsonNode> payload, String entityId) {
        List<GatewaySession> live = liveSessions();
        if (live.isEmpty()) {
            return new DispatchReceipt(type, entityId, -1, DispatchReceipt.Outcome.NO_SESSION);
        }
        DispatchReceipt newest = null;
        boolean sent = false;
        for (GatewaySession s : live) {
            newest = s.dispatch(type, intent, payload, entityId);
            sent |= newest.outcome() == DispatchReceipt.Outcome.SENT;
        }
        return sent && newest.outcome() != DispatchReceipt.Outcome.SENT
                ? new DispatchReceipt(type, entityId, newest.sequence(), DispatchReceipt.Outcome.SENT) : newest;
    }

    private List<GatewaySession> liveSessions() {
        synchronized (sessions) {
            return List.copyOf(sessions);
        }
    }

    private static void requireGuildChannel(SimChannel channel) {
        if (!channel.isGuildChannel()) {
            throw new IllegalArgumentException("not a guild channel: " + channel + " (use directMessage for DMs)");
        }
    }

    // ---- session --------------------------------------------------------------------------------

    /** The id of the bot's newest live session, if it has one. */
    public Optional<String> sessionId() {
        List<GatewaySession> live = liveSessions();
        return live.isEmpty() ? Optional.empty() : Optional.of(live.get(live.size() - 1).id());
    }

    /** The ids of the bot's live sessions, oldest first. */
    public List<String> sessionIds() {
        return liveSessions().stream().map(GatewaySession::id).toList();
    }

    /**
     * Adds a session the bot identified; returns the sessions it pushes out (the oldest beyond
     * {@link #MAX_SESSIONS}), for the caller to end.
     */
    List<GatewaySession> addSession(GatewaySession next) {
        synchronized (sessions) {
            sessions.add(next);
            List<GatewaySession> out = new ArrayList<>();
            while (sessions.size() > MAX_SESSIONS) {
                out.add(sessions.remove(0));
            }
            return out;
        }
    }

    void forgetSession(GatewaySession ended) {
        synchronized (sessions) {
            sessions.remove(ended);
        }
    }

    /**
     * Whether an IDENTIFY now comes sooner than {@link #identifyInterval} after the last accepted one;
     * if not, it counts as the last one.
     */
    boolean identifyTooSoon(long nowNanos) {
        Duration interval = faults.identifyInterval;
        synchronized (sessions) {
            if (!interval.isZero() && lastIdentifyNanos != Long.MIN_VALUE && nowNanos - lastIdentifyNanos < interval.toNanos()) {
                return true;
            }
            lastIdentifyNanos = nowNanos;
            return false;
        }
    }

    // ---- faults ---------------------------------------------------------------------------------

    /** How the next IDENTIFYs of this bot are answered (default {@link IdentifyReply#READY}). */
    public SimBot identifyReply(IdentifyReply reply) {
        faults.identifyReply = Objects.requireNonNull(reply, "reply");
        return this;
    }

    /**
     * Discord's identify rate limit for this bot: an IDENTIFY sooner than {@code interval} after the last
     * accepted one is answered with op 9 {@code d=false} (Discord allows one per 5 s for a bot without
     * large-bot sharding). {@link Duration#ZERO} (the default) turns it off.
     */
    public SimBot identifyInterval(Duration interval) {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("interval must be >= 0: " + interval);
        }
        faults.identifyInterval = interval;
        return this;
    }

    /** {@code false}: answer every RESUME with op 9 {@code d=false} and end the session. */
    public SimBot acceptResume(boolean accept) {
        faults.rejectResume = !accept;
        return this;
    }

    /** {@code true}: answer RESUME with RESUMED {@code d:null}, which leaves JDA stuck before CONNECTED. */
    public SimBot resumedDataNull(boolean on) {
        faults.resumedDataNull = on;
        return this;
    }

    /** {@code true}: every REST call with this token gets 401 (JDA's {@code build()} throws InvalidTokenException). */
    public SimBot restUnauthorized(boolean on) {
        faults.restUnauthorized = on;
        return this;
    }

    /** {@code true}: no HEARTBEAT_ACK on any of this bot's connections, current or future (a lasting zombie). */
    public SimBot stopAcks(boolean on) {
        faults.stopAcks = on;
        return this;
    }

    /** {@code true}: all of this bot's connections, once attributed, read and drop everything and send nothing. */
    public SimBot blackHole(boolean on) {
        faults.blackHole = on;
        return this;
    }

    /**
     * The next {@code times} REST requests of this bot (other than {@code GET /users/@me} and the
     * gateway lookups) get 429 with {@code retryAfter}; JDA waits and retries. The header is whole
     * seconds (rounded up), so JDA waits at least a second per 429.
     */
    public SimBot rateLimit(int times, Duration retryAfter) {
        faults.rateLimit(times, retryAfter);
        return this;
    }

    /** Applies {@code fault} to each open connection of this bot; returns how many it reached. */
    public int inject(GatewayFault fault) {
        int reached = 0;
        for (GatewayConnection connection : context.openConnectionsOf(this)) {
            if (connection.inject(fault)) {
                reached++;
            }
        }
        return reached;
    }

    /** Clears this bot's fault settings and the standing faults of its open connections. */
    public void clearFaults() {
        faults.clear();
        context.openConnectionsOf(this).forEach(GatewayConnection::clearFaults);
    }

    FaultSettings faults() {
        return faults;
    }

    // ---- observation ----------------------------------------------------------------------------

    /** This bot's open gateway connections (from their IDENTIFY/RESUME on). */
    public List<SimConnection> connections() {
        return List.copyOf(context.openConnectionsOf(this));
    }

    /** A snapshot of this bot's counters. */
    public GatewayStats stats() {
        return counters.snapshot();
    }

    /** Connections attributed to this bot within the last {@code window} (at most 60 s). */
    public long acceptsInLast(Duration window) {
        return counters.acceptsInLast(window);
    }

    /** Restarts the "max open at once" figure from the number open now. */
    public void resetMaxOpen() {
        counters.resetMaxOpen();
    }

    /** REST requests attributed to this bot, oldest first (the newest 10 000 are kept). */
    public List<RestCall> restCalls() {
        return restCalls.snapshot();
    }

    StatsCounters counters() {
        return counters;
    }

    void recordRestCall(RestCall call) {
        restCalls.add(call);
    }

    @Override
    public String toString() {
        return "SimBot[" + username() + " " + userId() + "]";
    }
}
