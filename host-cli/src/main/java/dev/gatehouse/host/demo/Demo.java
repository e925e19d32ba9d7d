package dev.gatehouse.host.demo;

import dev.gatehouse.api.MessageEvent;
import dev.gatehouse.host.GatewayHost;
import dev.gatehouse.host.outbound.Outbound;
import dev.gatehouse.host.config.ConfigLoader;
import dev.gatehouse.host.config.GatehouseConfig;
import dev.gatehouse.host.exec.DaemonThreads;
import dev.gatehouse.host.exit.ProcessExit;
import dev.gatehouse.sim.discord.DiscordSimulator;
import dev.gatehouse.sim.discord.SimBot;
import dev.gatehouse.sim.discord.SimChannel;
import dev.gatehouse.sim.discord.SimUser;
import dev.gatehouse.sim.slack.SimSlackApp;
import dev.gatehouse.sim.slack.SlackSimulator;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The no-token demo: the Slack and Discord simulators on loopback, a configuration with two Slack
 * workspaces and one Discord bot, the real plugin jars, and a small bot that answers every message.
 * Faults are injected in turn while a live table shows what the host does about them.
 */
public final class Demo implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Demo.class);

    /** What the demo needs from the command line. */
    public record Options(Path pluginsDir, Path workDir, int adminPort, Duration faultEvery, Duration messageEvery,
            boolean ansi) {
    }

    private final Options options;
    private final PrintStream out;
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, DaemonThreads.factory("demo"));
    private final Map<String, long[]> traffic = new ConcurrentHashMap<>();
    private final Instant started = Instant.now();
    private SlackSimulator slack;
    private DiscordSimulator discord;
    private GatewayHost host;
    private volatile String lastFault;
    private volatile Instant lastFaultAt;
    private String adminUrl;

    public Demo(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** Starts everything; returns once the host runs. */
    public GatewayHost start(ProcessExit exit) throws Exception {
        slack = SlackSimulator.builder().ackTimeout(Duration.ofSeconds(3)).start();
        discord = DiscordSimulator.builder().heartbeatInterval(Duration.ofSeconds(2)).start();
        SimSlackApp acme = slack.registerApp();
        SimSlackApp globex = slack.registerApp();
        SimBot gamers = discord.registerBot("demo-bot-token-" + Long.toHexString(System.nanoTime()), "gatehouse-demo");
        int port = options.adminPort() == 0 || !free(options.adminPort()) ? 0 : options.adminPort();
        Files.createDirectories(options.workDir());
        Path config = options.workDir().resolve("gatehouse.yaml");
        Files.writeString(config, yaml(acme, globex, gamers, port));
        GatehouseConfig c = new ConfigLoader().load(config);
        host = GatewayHost.builder().config(c).processExit(exit).adminApi(true).onEvent((ws, platform, e) -> answer(ws, platform, e)).build();
        host.start();
        adminUrl = "http://127.0.0.1:" + host.adminPort().map(String::valueOf).orElse("?");
        out.println("demo: admin API " + adminUrl + " — try: java -jar dist/gatehouse.jar status --admin " + adminUrl);
        SimUser alice = discord.createUser("alice");
        SimChannel general = discord.defaultGuild().textChannels().get(0);
        AtomicInteger n = new AtomicInteger();
        timer.scheduleAtFixedRate(() -> quietly(() -> {
            int i = n.incrementAndGet();
            if (!slack.openConnections(acme).isEmpty()) {
                slack.pushMessage(acme, "C0GENERAL", "U0ALICE", "hello from acme #" + i);
            }
            if (!slack.openConnections(globex).isEmpty()) {
                slack.pushMessage(globex, "C0RANDOM", "U0BOB", "hello from globex #" + i);
            }
            gamers.guildMessage(general, alice, "hello from discord #" + i);
        }), 2000, options.messageEvery().toMillis(), TimeUnit.MILLISECONDS);
        List<DemoFaults.Fault> faults = DemoFaults.menu(slack, acme, globex, discord, gamers, timer);
        AtomicInteger next = new AtomicInteger();
        timer.scheduleAtFixedRate(() -> quietly(() -> {
            DemoFaults.Fault f = faults.get(next.getAndIncrement() % faults.size());
            lastFault = f.target() + ": " + f.description();
            lastFaultAt = Instant.now();
            log.info("demo fault: {}", lastFault);
            if (!options.ansi()) {
                out.println("injecting fault on " + lastFault);
            }
            f.inject().run();
        }), options.faultEvery().toMillis(), options.faultEvery().toMillis(), TimeUnit.MILLISECONDS);
        timer.scheduleAtFixedRate(this::draw, 0, options.ansi() ? 1000 : 5000, TimeUnit.MILLISECONDS);
        return host;
    }

    private void draw() {
        quietly(() -> DemoTable.print(out, DemoTable.render(host.status(), traffic, lastFault, lastFaultAt, adminUrl,
                Duration.between(started, Instant.now())), options.ansi()));
    }

    /** The built-in bot: answers every message in its thread. */
    private void answer(String workspace, String platform, dev.gatehouse.api.InboundEvent e) {
        if (!(e instanceof MessageEvent m)) {
            return;
        }
        traffic.computeIfAbsent(platform + "/" + workspace, k -> new long[2])[0]++;
        host.send(workspace, platform, new Outbound.Reply(m.channelId(), m.messageId(), "you said: " + m.text()))
                .thenRun(() -> traffic.get(platform + "/" + workspace)[1]++);
    }

    private String yaml(SimSlackApp acme, SimSlackApp globex, SimBot gamers, int adminPort) {
        return """
                # Written by `gatehouse demo`: two Slack workspaces and one Discord bot on the loopback simulators.
                plugins:
                  dir: %s
                heartbeat:
                  file: run/gatehouse.alive
                admin:
                  listen: 127.0.0.1:%d
                health:
                  checkInterval: 5s
                  fastCheckInterval: 2s
                  staleAfter: 30s
                  backoffBase: 2s
                  backoffCap: 30s
                  closeTimeout: 10s
                  openTimeout: 20s
                workspaces:
                %s""".formatted(options.pluginsDir().toAbsolutePath(), adminPort, SimWorkspaces.yaml(slack,
                new TreeMap<>(Map.of("acme", acme, "globex", globex)), discord, Map.of("gamers", gamers)));
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs a timer task; what it throws is logged, and the timer goes on. */
    static void quietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("demo: {}", e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        if (host != null) {
            host.close();
        }
        if (discord != null) {
            discord.close();
        }
        if (slack != null) {
            slack.close();
        }
    }
}
