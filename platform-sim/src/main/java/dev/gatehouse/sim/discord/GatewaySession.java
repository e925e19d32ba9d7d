package dev.gatehouse.sim.discord;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.function.IntFunction;

/**
 * One gateway session of one bot, as Discord keeps it: a sequence counter and a log of dispatches, so a
 * RESUME on a new socket can replay what the client missed. Events pushed while no healthy socket is
 * attached are logged only — that is how "no event lost across a reconnect" works on Discord.
 *
 * <p>Every method holds the session's monitor while it writes to the attached socket, so frames leave in
 * sequence order and READY / RESUMED are never overtaken. Lock order: session, then connection.
 */
final class GatewaySession {

    /** What a RESUME led to. */
    enum ResumeResult {
        RESUMED,
        /** The session is gone or too old to replay: answer op 9 {@code d=false}. */
        INVALID,
        /** The client claims a sequence the session never reached: close 4007. */
        INVALID_SEQUENCE
    }

    private record Logged(long sequence, String frame) {
    }

    private final String id;
    private final SimBot bot;
    private final int intents;
    private final SimContext context;

    private long sequence;                                  // guarded by this
    private final ArrayDeque<Logged> log = new ArrayDeque<>(); // guarded by this
    /** Highest sequence dropped from the log to respect its capacity; older resumes cannot be served. */
    private long trimmedThrough;                            // guarded by this
    private GatewayConnection connection;                   // guarded by this
    private boolean invalidated;                            // guarded by this

    GatewaySession(String id, SimBot bot, int intents, SimContext context) {
        this.id = id;
        this.bot = bot;
        this.intents = intents;
        this.context = context;
    }

    String id() {
        return id;
    }

    SimBot bot() {
        return bot;
    }

    int intents() {
        return intents;
    }

    /** Sends READY (s=1, not replayable) on {@code conn}, then one GUILD_CREATE per guild (logged). */
    synchronized void begin(GatewayConnection conn, JsonNode ready, Iterable<JsonNode> guildCreates) {
        connection = conn;
        sequence = 1;
        conn.sessionAnswered();
        conn.sendDispatch(Payloads.dispatch("READY", sequence, ready));
        for (JsonNode guild : guildCreates) {
            dispatch("GUILD_CREATE", Intents.NONE, i -> guild, guild.get("id").asText());
        }
    }

    /**
     * Appends an event to the session and sends it if a socket is attached.
     *
     * @param requiredIntent intent bits the session must have identified with, or {@link Intents#NONE}
     * @param payload        builds {@code d} given the session's intents (e.g. to blank withheld content)
     */
    synchronized DispatchReceipt dispatch(
            String type, int requiredIntent, IntFunction<JsonNode> payload, String entityId) {
        if (invalidated) {
            return new DispatchReceipt(type, entityId, -1, DispatchReceipt.Outcome.NO_SESSION);
        }
        if (context.config().enforceIntents() && !Intents.has(intents, requiredIntent)) {
            return new DispatchReceipt(type, entityId, -1, DispatchReceipt.Outcome.FILTERED_BY_INTENTS);
        }
        long s = ++sequence;
        String frame = Payloads.dispatch(type, s, payload.apply(intents));
        log.addLast(new Logged(s, frame));
        while (log.size() > context.config().replayCapacity()) {
            trimmedThrough = log.removeFirst().sequence();
        }
        boolean sent = connection != null && connection.sendDispatch(frame);
        return new DispatchReceipt(type, entityId, s,
                sent ? DispatchReceipt.Outcome.SENT : DispatchReceipt.Outcome.BUFFERED);
    }

    /**
     * Moves the session to {@code conn}: replays every logged dispatch after {@code clientSequence}, then
     * sends RESUMED (with {@code d:null} if {@code nullData}, a fault JDA cannot handle).
     */
    synchronized ResumeResult resume(GatewayConnection conn, long clientSequence, boolean nullData) {
        if (invalidated || clientSequence < trimmedThrough) {
            return ResumeResult.INVALID;
        }
        if (clientSequence > sequence) {
            return ResumeResult.INVALID_SEQUENCE;
        }
        connection = conn;
        for (Logged entry : log) {
            if (entry.sequence() > clientSequence && conn.sendDispatch(entry.frame())) {
                conn.countReplay();
            }
        }
        JsonNode data = nullData ? null : Payloads.resumed();
        conn.sessionAnswered();
        conn.sendDispatch(Payloads.dispatch("RESUMED", ++sequence, data));
        return ResumeResult.RESUMED;
    }

    /** The connection went away; later dispatches are logged for a RESUME. */
    synchronized void detach(GatewayConnection conn) {
        if (connection == conn) {
            connection = null;
        }
    }

    /** Ends the session: it can no longer be resumed nor receive dispatches. */
    synchronized void invalidate() {
        invalidated = true;
        connection = null;
        log.clear();
    }

    synchronized boolean isValid() {
        return !invalidated;
    }
}
