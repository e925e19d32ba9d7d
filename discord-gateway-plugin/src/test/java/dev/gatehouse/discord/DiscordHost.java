package dev.gatehouse.discord;

import static org.awaitility.Awaitility.await;

import dev.gatehouse.api.InboundEvent;
import dev.gatehouse.api.MessageEvent;
import dev.gatehouse.host.GatewayHost;
import dev.gatehouse.host.events.InboundHandler;
import dev.gatehouse.host.config.ConfigLoader;
import dev.gatehouse.host.config.GatehouseConfig;
import dev.gatehouse.host.status.ConnectionState;
import dev.gatehouse.host.status.ConnectionStatus;
import dev.gatehouse.host.testing.RecordingExit;
import dev.gatehouse.sim.discord.DiscordSimulator;
import dev.gatehouse.sim.discord.SimBot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A real Gatehouse host, started from YAML, with the real plugin jar (built by Maven, system property
 * {@code gatehouse.pluginJar}) in its plugins folder and one workspace ({@code acme}) whose Discord
 * settings point at a simulator bot of its own. Health policy is shortened for tests; each test can
 * override any {@code health:} line.
 */
final class DiscordHost implements AutoCloseable {

    static final String WORKSPACE = "acme";
    static final String PLATFORM = "discord";

    /** The shortened policy: ticks every second, stale after 5 s, fast backoff. */
    private static final Map<String, String> HEALTH = Map.ofEntries(
            Map.entry("checkInterval", "1s"), Map.entry("fastCheckInterval", "1s"), Map.entry("staleAfter", "5s"),
            Map.entry("openTimeout", "10s"), Map.entry("closeTimeout", "5s"), Map.entry("backoffBase", "200ms"),
            Map.entry("backoffCap", "2s"), Map.entry("maxReconnectAttempts", "10"),
            Map.entry("outageReportAfter", "30s"), Map.entry("probeTimeout", "2s"));

    final DiscordSimulator sim;
    final SimBot bot;
    final Path dir;
    final RecordingExit exit = new RecordingExit();
    final TimedListener events = new TimedListener();
    /** Every event the bot's handler received, in arrival order. */
    final List<InboundEvent> handled = new CopyOnWriteArrayList<>();
    private final Map<String, String> health = new LinkedHashMap<>(HEALTH);
    private final List<String> healthSections = new ArrayList<>();
    private final Map<String, String> discord = new LinkedHashMap<>();
    private InboundHandler handler = (ws, platform, e) -> { };
    private String pluginsSection = "";
    GatewayHost host;

    DiscordHost(DiscordSimulator sim, Path dir) {
        this.sim = sim;
        this.dir = dir;
        this.bot = sim.registerBot("token-" + UUID.randomUUID(), "gatehouse-bot-" + sim.bots().size());
    }

    /** Overrides one {@code health:} value, e.g. {@code health("staleAfter", "2s")}. */
    DiscordHost health(String key, String value) {
        health.put(key, value);
        return this;
    }

    /** Adds a nested {@code health:} mapping, e.g. {@code stormGuard} with its keys. */
    DiscordHost healthSection(String name, Map<String, String> values) {
        healthSections.add("  " + name + ":\n" + values.entrySet().stream()
                .map(e -> "    " + e.getKey() + ": " + e.getValue()).collect(Collectors.joining("\n")));
        return this;
    }

    /** Adds or overrides a setting under {@code workspaces.acme.discord}. */
    DiscordHost discord(String key, String value) {
        discord.put(key, value);
        return this;
    }

    DiscordHost plugins(String yamlLines) {
        pluginsSection = yamlLines;
        return this;
    }

    /** The handler runs after the event is recorded in {@link #handled}. */
    DiscordHost handler(InboundHandler h) {
        this.handler = h;
        return this;
    }

    String yaml() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("token", "${DISCORD_TOKEN}");
        settings.put("apiUrl", sim.restBaseUrl());
        settings.put("gatewayUrl", sim.gatewayUrl());
        settings.putAll(discord);
        return "plugins:\n  dir: plugins\n" + pluginsSection
                + "heartbeat:\n  file: run/alive\n  interval: 1s\n"
                + "admin:\n  enabled: false\n"
                + "health:\n" + health.entrySet().stream().map(e -> "  " + e.getKey() + ": " + e.getValue() + "\n")
                        .collect(Collectors.joining()) + String.join("\n", healthSections) + (healthSections.isEmpty() ? "" : "\n")
                + "workspaces:\n  " + WORKSPACE + ":\n    " + PLATFORM + ":\n"
                + settings.entrySet().stream().map(e -> "      " + e.getKey() + ": " + e.getValue() + "\n")
                        .collect(Collectors.joining());
    }

    DiscordHost start() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(pluginJar(), plugins.resolve("discord-gateway-plugin.jar"));
        GatehouseConfig config = new ConfigLoader(Map.of("DISCORD_TOKEN", bot.token())::get)
                .parse(yaml(), "discord-it.yaml", dir);
        host = GatewayHost.builder().config(config).processExit(exit).listener(events)
                .onEvent((ws, platform, e) -> {
                    handled.add(e);
                    handler.onEvent(ws, platform, e);
                }).build();
        host.start();
        return this;
    }

    static Path pluginJar() throws IOException {
        String p = System.getProperty("gatehouse.pluginJar");
        if (p == null || !Files.isRegularFile(Path.of(p))) {
            throw new IOException("plugin jar not found at " + p + "; run the integration tests with mvn verify");
        }
        return Path.of(p);
    }

    ConnectionStatus status() {
        return host.status().connections().stream()
                .filter(c -> c.workspace().equals(WORKSPACE) && c.platform().equals(PLATFORM)).findFirst().orElseThrow();
    }

    ConnectionState state() {
        return status().state();
    }

    /** Waits until the connection is CONNECTED on at least {@code epoch}; returns the time it took. */
    Duration awaitConnected(long epoch, Duration atMost) {
        long start = System.nanoTime();
        // The status snapshot is published before listeners run: wait for the recorded transition too, so
        // that callers may read {@link #events} right after.
        await().atMost(atMost).pollInterval(Duration.ofMillis(20)).until(() -> {
            ConnectionStatus s = status();
            return s.state() == ConnectionState.CONNECTED && s.epoch() >= epoch && events.transitions.stream()
                    .anyMatch(t -> t.to() == ConnectionState.CONNECTED && t.epoch() >= epoch);
        });
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /**
     * Starts and waits until connected and 5 more heartbeats were acknowledged: the plugin's observed
     * heartbeat interval is the median of the last 5 gaps, and a loaded machine can make a single gap
     * far from the server's interval.
     */
    DiscordHost startConnected() throws Exception {
        start();
        awaitConnected(1, Duration.ofSeconds(20));
        long acks = bot.stats().acks();
        await().atMost(Duration.ofSeconds(20)).until(() -> bot.stats().acks() >= acks + 5);
        return this;
    }

    List<MessageEvent> messages() {
        return handled.stream().filter(MessageEvent.class::isInstance).map(MessageEvent.class::cast).toList();
    }

    List<String> texts() {
        return messages().stream().map(MessageEvent::text).toList();
    }

    /** Names of live threads JDA made itself ({@code JDA MainWS-ReadThread} …). */
    static List<String> jdaThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("JDA ")).sorted().toList();
    }

    @Override
    public void close() {
        if (host != null) {
            host.close();
            host = null;
        }
    }
}
