package dev.gatehouse.sim.slack;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The registered apps, found by token, app id or WebSocket ticket; issues ids and tickets. */
final class AppRegistry {
    private final int historyLimit;
    private final boolean proxyByDefault;
    private final Map<String, AppState> byToken = new ConcurrentHashMap<>();
    private final Map<String, AppState> byAppId = new ConcurrentHashMap<>();
    /**
     * Every ticket issued, never removed: Slack's tickets are short-lived, but a reused ticket here only
     * identifies the app again, and an entry costs a few bytes.
     */
    private final Map<String, AppState> byTicket = new ConcurrentHashMap<>();
    private final AtomicLong ticketSequence = new AtomicLong();
    /** Guarded by {@code this}: registration checks token uniqueness and numbers apps atomically. */
    private int appSequence;

    AppRegistry(int historyLimit, boolean proxyByDefault) {
        this.historyLimit = historyLimit;
        this.proxyByDefault = proxyByDefault;
    }

    synchronized AppState register(String appToken, String botToken) {
        if (appToken.equals(botToken)) {
            throw new IllegalArgumentException("app token and bot token must differ");
        }
        if (byToken.containsKey(appToken) || byToken.containsKey(botToken)) {
            throw new IllegalArgumentException("token already registered to another app");
        }
        int n = ++appSequence;
        SimSlackApp app = new SimSlackApp(appToken, botToken, id('T', n), "Sim Team " + n, id('A', n), id('U', n),
                id('B', n));
        AppState state = new AppState(app, historyLimit, proxyByDefault);
        byToken.put(appToken, state);
        byToken.put(botToken, state);
        byAppId.put(app.appId(), state);
        return state;
    }

    /** A Slack-style id: one letter and eight digits, e.g. {@code T00000001}. */
    private static String id(char kind, int n) {
        return String.format(Locale.ROOT, "%c%08d", kind, n);
    }

    /** The app owning {@code token}, or {@code null}. */
    AppState byToken(String token) {
        return token == null ? null : byToken.get(token);
    }

    /** The state of a registered app; fails for an app of another simulator. */
    AppState state(SimSlackApp app) {
        AppState state = byAppId.get(app.appId());
        if (state == null || !state.app.equals(app)) {
            throw new IllegalArgumentException(app + " is not registered with this simulator");
        }
        return state;
    }

    AppState byAppId(String appId) {
        return byAppId.get(appId);
    }

    Collection<AppState> all() {
        return List.copyOf(byAppId.values());
    }

    String issueTicket(AppState state) {
        String ticket = Long.toString(ticketSequence.incrementAndGet());
        byTicket.put(ticket, state);
        return ticket;
    }

    /** The app a ticket was issued to, or {@code null} for a ticket never issued. */
    AppState redeem(String ticket) {
        return ticket == null ? null : byTicket.get(ticket);
    }
}
