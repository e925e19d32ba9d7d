package dev.gatehouse.slack;

import dev.gatehouse.api.GatewaySettings;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One workspace's Slack settings, validated.
 *
 * <ul>
 *   <li>{@code appToken} (required): the app-level token, {@code xapp-…}, with the
 *       {@code connections:write} scope; opens the Socket Mode WebSocket.</li>
 *   <li>{@code botToken} (required): the bot token, {@code xoxb-…}; identifies the bot and sends
 *       messages.</li>
 *   <li>{@code apiUrl} (default {@code https://slack.com/api/}): the Web API methods prefix (GovSlack,
 *       proxies, the simulator). An http(s) URL without query or fragment; a missing trailing slash is
 *       added, because the SDK appends method names to it verbatim.</li>
 *   <li>{@code probeUrl} (default {@code <apiUrl>api.test}): what the host fetches to tell a network
 *       outage from a Slack problem.</li>
 *   <li>{@code pingInterval} (default {@code 1s}): how often the plugin pings the WebSocket to find
 *       a half-open or black-holed socket; between {@value #MIN_PING_MILLIS} ms and
 *       {@value #MAX_PING_MILLIS} ms, the SDK's own session check period.</li>
 *   <li>{@code pongTimeout} (default {@code 2s}): how long a ping may go unanswered before the socket
 *       is declared dead and replaced; at least {@code pingInterval}, at most
 *       {@value #MAX_PONG_MILLIS} ms, the time the SDK's own check waits.</li>
 *   <li>{@code transportHooks} (default {@code true}): {@code false} declares the transport not
 *       hookable, so the host judges liveness by event recency — the behaviour Gatehouse replaced, kept
 *       for comparisons and benchmarks.</li>
 * </ul>
 *
 * <p>Errors name the full key path and never show a token's value; {@link #toString()} hides them.
 */
record SlackSettings(String appToken, String botToken, URI apiUrl, Optional<URI> probeUrl, boolean transportHooks,
                     Duration pingInterval, Duration pongTimeout) {

    static final String APP_TOKEN = "appToken";
    static final String BOT_TOKEN = "botToken";
    static final String API_URL = "apiUrl";
    static final String PROBE_URL = "probeUrl";
    static final String TRANSPORT_HOOKS = "transportHooks";
    static final String PING_INTERVAL = "pingInterval";
    static final String PONG_TIMEOUT = "pongTimeout";
    static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(1);
    static final Duration DEFAULT_PONG_TIMEOUT = Duration.ofSeconds(2);
    static final long MIN_PING_MILLIS = 100;
    /** The SDK's session monitor period: the plugin must not look less often. */
    static final long MAX_PING_MILLIS = 5_000;
    /** How long the SDK's own check waits for a pong. */
    static final long MAX_PONG_MILLIS = 3_000;
    static final URI DEFAULT_API_URL = URI.create("https://slack.com/api/");
    private static final Set<String> KEYS = Set.of(APP_TOKEN, BOT_TOKEN, API_URL, PROBE_URL, TRANSPORT_HOOKS,
            PING_INTERVAL, PONG_TIMEOUT);

    /**
     * Reads and checks the settings.
     *
     * @throws dev.gatehouse.api.GatewaySettingsException naming the first offending key
     */
    static SlackSettings from(GatewaySettings s) {
        for (String key : s.keys()) {
            if (!KEYS.contains(key)) {
                throw s.invalid(key, "unknown setting; the slack gateway reads appToken, botToken, apiUrl, probeUrl,"
                        + " pingInterval, pongTimeout and transportHooks");
            }
        }
        String app = token(s, APP_TOKEN, "xapp-", "an app-level token (app settings > Basic Information >"
                + " App-Level Tokens, scope connections:write)");
        String bot = token(s, BOT_TOKEN, "xoxb-", "a bot token (app settings > OAuth & Permissions >"
                + " Bot User OAuth Token)");
        URI api = httpUrl(s, API_URL, DEFAULT_API_URL);
        if (api.getRawQuery() != null || api.getRawFragment() != null) {
            throw s.invalid(API_URL, "must be a plain methods prefix such as https://slack.com/api/, without query or fragment");
        }
        if (!api.getRawPath().endsWith("/")) {
            api = URI.create(api + "/");
        }
        Optional<URI> probe = s.has(PROBE_URL) ? Optional.of(httpUrl(s, PROBE_URL, null)) : Optional.empty();
        Duration ping = s.duration(PING_INTERVAL, DEFAULT_PING_INTERVAL);
        if (ping.toMillis() < MIN_PING_MILLIS || ping.toMillis() > MAX_PING_MILLIS) {
            throw s.invalid(PING_INTERVAL, "must be between " + MIN_PING_MILLIS + "ms and " + MAX_PING_MILLIS
                    + "ms (the SDK's own session check runs every 5s, so a longer interval would find a dead socket"
                    + " later than the SDK), found " + ping.toMillis() + "ms; the default is 1s");
        }
        Duration pong = s.duration(PONG_TIMEOUT, DEFAULT_PONG_TIMEOUT);
        if (pong.compareTo(ping) < 0 || pong.toMillis() > MAX_PONG_MILLIS) {
            throw s.invalid(PONG_TIMEOUT, "must be at least pingInterval (" + ping.toMillis() + "ms) and at most "
                    + MAX_PONG_MILLIS + "ms (the SDK's own check waits 3s for a pong), found " + pong.toMillis()
                    + "ms; the default is 2s");
        }
        return new SlackSettings(app, bot, api, probe, s.bool(TRANSPORT_HOOKS, true), ping, pong);
    }

    /** The URL of the host's network probe. */
    URI probeUri() {
        return probeUrl.orElse(apiUrl.resolve("api.test"));
    }

    private static String token(GatewaySettings s, String key, String prefix, String what) {
        String value = s.string(key).strip();
        if (!value.startsWith(prefix) || value.length() <= prefix.length()) {
            throw s.invalid(key, "must be " + what + ", which starts with '" + prefix + "'; the configured value does not"
                    + " (it is not shown because it may be secret)");
        }
        if (value.chars().anyMatch(Character::isWhitespace)) {
            throw s.invalid(key, "contains whitespace; copy the token again (the value is not shown because it is secret)");
        }
        return value;
    }

    private static URI httpUrl(GatewaySettings s, String key, URI fallback) {
        URI u = s.uri(key, fallback);
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw s.invalid(key, "must be an http or https URL, found scheme '" + scheme + "'");
        }
        return u;
    }

    @Override
    public String toString() {
        return "SlackSettings[apiUrl=" + apiUrl + ", probeUrl=" + probeUri() + ", pingInterval=" + pingInterval
                + ", pongTimeout=" + pongTimeout + ", tokens hidden]";
    }
}
