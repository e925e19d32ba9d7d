package dev.gatehouse.discord;

import dev.gatehouse.api.GatewaySettings;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import net.dv8tion.jda.api.requests.GatewayIntent;

/**
 * One workspace's Discord settings ({@code workspaces.<id>.discord}), parsed and checked. Every problem
 * names the full key path and says what to write instead; the token is never shown, not even in
 * {@link #toString()}.
 *
 * @param token the bot token (without the {@code Bot } prefix JDA adds itself)
 * @param intents the gateway intents to identify with
 * @param apiUrl the REST base URL, ending with {@code /}
 * @param gatewayUrl the gateway URL JDA connects to (JDA takes it from its session controller)
 * @param probeUrl what the host fetches to tell "Discord unreachable" from "connection broken"
 * @param zombieMultiple no heartbeat ACK for this many observed heartbeat intervals means a zombie socket
 * @param loginTimeout how long JDA may hold a socket without a confirmed session before it is reported down
 * @param restTimeout the bound of one outbound REST call, rate-limit waits included
 */
record DiscordSettings(
        String token,
        Set<GatewayIntent> intents,
        URI apiUrl,
        URI gatewayUrl,
        URI probeUrl,
        double zombieMultiple,
        Duration loginTimeout,
        Duration restTimeout) {

    static final String TOKEN = "token";
    static final String INTENTS = "intents";
    static final String API_URL = "apiUrl";
    static final String GATEWAY_URL = "gatewayUrl";
    static final String PROBE_URL = "probeUrl";
    static final String ZOMBIE_MULTIPLE = "zombieMultiple";
    static final String LOGIN_TIMEOUT = "loginTimeout";
    static final String REST_TIMEOUT = "restTimeout";
    static final Set<String> KEYS = Set.of(TOKEN, INTENTS, API_URL, GATEWAY_URL, PROBE_URL, ZOMBIE_MULTIPLE,
            LOGIN_TIMEOUT, REST_TIMEOUT);

    static final Set<GatewayIntent> DEFAULT_INTENTS = EnumSet.of(GatewayIntent.GUILD_MESSAGES,
            GatewayIntent.DIRECT_MESSAGES, GatewayIntent.MESSAGE_CONTENT, GatewayIntent.GUILD_MESSAGE_REACTIONS,
            GatewayIntent.DIRECT_MESSAGE_REACTIONS);
    /** The intents Discord calls privileged: each must be switched on for the bot in the developer portal. */
    static final Set<GatewayIntent> PRIVILEGED_INTENTS = EnumSet.of(GatewayIntent.GUILD_MEMBERS,
            GatewayIntent.GUILD_PRESENCES, GatewayIntent.MESSAGE_CONTENT);
    static final URI DEFAULT_API_URL = URI.create("https://discord.com/api/v10/");
    static final URI DEFAULT_GATEWAY_URL = URI.create("wss://gateway.discord.gg/");
    static final double DEFAULT_ZOMBIE_MULTIPLE = 2.0;
    /**
     * Below this the check would race the heartbeat ACK itself (JDA sends at a fixed rate and the ACK
     * trails by the round trip); above it a zombie goes unnoticed for longer than JDA's own 3 intervals.
     */
    static final double MIN_ZOMBIE_MULTIPLE = 1.25;
    static final double MAX_ZOMBIE_MULTIPLE = 3.0;
    static final Duration DEFAULT_LOGIN_TIMEOUT = Duration.ofSeconds(30);
    static final Duration DEFAULT_REST_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Reads and checks the settings.
     *
     * @throws dev.gatehouse.api.GatewaySettingsException naming the first offending key
     */
    static DiscordSettings parse(GatewaySettings s) {
        for (String key : s.keys()) {
            if (!KEYS.contains(key)) {
                throw s.invalid(key, "unknown key; the Discord gateway knows " + String.join(", ", new TreeSet<>(KEYS)));
            }
        }
        String token = s.string(TOKEN).trim();
        if (token.regionMatches(true, 0, "Bot ", 0, 4)) {
            token = token.substring(4).trim();
        }
        if (token.isEmpty() || token.chars().anyMatch(Character::isWhitespace)) {
            throw s.invalid(TOKEN, "a bot token is one word without spaces; copy it from the Discord developer portal"
                    + " (Bot, Reset Token)");
        }
        URI api = withTrailingSlash(s.uri(API_URL, DEFAULT_API_URL));
        requireScheme(s, API_URL, api, "http", "https");
        URI gateway = s.uri(GATEWAY_URL, DEFAULT_GATEWAY_URL);
        requireScheme(s, GATEWAY_URL, gateway, "ws", "wss");
        URI probe = s.uri(PROBE_URL, api.resolve("gateway"));
        requireScheme(s, PROBE_URL, probe, "http", "https");
        double zombie = s.number(ZOMBIE_MULTIPLE, DEFAULT_ZOMBIE_MULTIPLE);
        if (!(zombie >= MIN_ZOMBIE_MULTIPLE && zombie <= MAX_ZOMBIE_MULTIPLE)) {
            throw s.invalid(ZOMBIE_MULTIPLE, "must be between " + MIN_ZOMBIE_MULTIPLE + " and " + MAX_ZOMBIE_MULTIPLE
                    + " heartbeat intervals, found " + zombie + "; the default is " + DEFAULT_ZOMBIE_MULTIPLE);
        }
        return new DiscordSettings(token, intents(s), api, gateway, probe, zombie,
                positive(s, LOGIN_TIMEOUT, DEFAULT_LOGIN_TIMEOUT), positive(s, REST_TIMEOUT, DEFAULT_REST_TIMEOUT));
    }

    /** The privileged intents among the configured ones, for the message of a close 4014. */
    Set<GatewayIntent> privilegedIntents() {
        Set<GatewayIntent> p = EnumSet.noneOf(GatewayIntent.class);
        intents.stream().filter(PRIVILEGED_INTENTS::contains).forEach(p::add);
        return p;
    }

    private static Set<GatewayIntent> intents(GatewaySettings s) {
        List<String> names = s.stringList(INTENTS, null);
        if (names == null) {
            return DEFAULT_INTENTS;
        }
        Set<GatewayIntent> intents = EnumSet.noneOf(GatewayIntent.class);
        List<String> unknown = new ArrayList<>();
        for (String name : names) {
            String normal = name.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
            Optional<GatewayIntent> intent = Arrays.stream(GatewayIntent.values())
                    .filter(i -> i.name().equals(normal)).findFirst();
            intent.ifPresentOrElse(intents::add, () -> unknown.add(name));
        }
        if (!unknown.isEmpty()) {
            throw s.invalid(INTENTS, "unknown intent(s) " + unknown + "; valid intents are "
                    + Arrays.stream(GatewayIntent.values()).map(Enum::name).sorted().toList());
        }
        if (intents.isEmpty()) {
            throw s.invalid(INTENTS, "is empty; list at least one intent, or remove the key for the defaults "
                    + DEFAULT_INTENTS.stream().map(Enum::name).toList());
        }
        return intents;
    }

    private static Duration positive(GatewaySettings s, String key, Duration fallback) {
        Duration d = s.duration(key, fallback);
        if (d.isZero() || d.isNegative()) {
            throw s.invalid(key, "must be longer than 0");
        }
        return d;
    }

    private static URI withTrailingSlash(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? uri : URI.create(text + "/");
    }

    private static void requireScheme(GatewaySettings s, String key, URI uri, String... schemes) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!Arrays.asList(schemes).contains(scheme)) {
            throw s.invalid(key, "expected a " + String.join(" or ", schemes) + " URL, found '" + uri + "'");
        }
    }

    @Override
    public String toString() {
        return "DiscordSettings[intents=" + intents + ", apiUrl=" + apiUrl + ", gatewayUrl=" + gatewayUrl
                + ", probeUrl=" + probeUrl + ", zombieMultiple=" + zombieMultiple + ", loginTimeout=" + loginTimeout
                + ", restTimeout=" + restTimeout + "]";
    }
}
