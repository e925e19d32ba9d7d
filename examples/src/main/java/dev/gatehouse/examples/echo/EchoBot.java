package dev.gatehouse.examples.echo;

import dev.gatehouse.api.InboundEvent;
import dev.gatehouse.api.MessageEvent;
import dev.gatehouse.host.GatewayHost;
import dev.gatehouse.host.config.ConfigLoader;
import dev.gatehouse.host.config.GatehouseConfig;
import dev.gatehouse.host.outbound.Outbound;
import dev.gatehouse.host.supervisor.ConnectionKey;
import dev.gatehouse.host.supervisor.SupervisorListener;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bot that answers every message, in its thread, with what it said: Gatehouse embedded in an
 * application, on Slack and Discord at once (whichever the configuration enables).
 *
 * <p>What the application owns and the host leaves to it: the JVM (the host never exits it; when a
 * connection gives up, {@link #gaveUp()} says so and this bot keeps serving the others), logging
 * (see {@code logback.xml}: it includes the masking conversion words), and HTTP (the host's admin API
 * stays off; turn it on with {@code GatewayHost.Builder.adminApi(true)}).
 *
 * <pre>java -cp "examples.jar:lib/*" dev.gatehouse.examples.echo.EchoBot gatehouse.yaml</pre>
 */
public final class EchoBot implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EchoBot.class);

    private final GatewayHost host;
    private final AtomicLong answered = new AtomicLong();
    private final Set<ConnectionKey> gaveUp = ConcurrentHashMap.newKeySet();

    public EchoBot(GatehouseConfig config) {
        this.host = GatewayHost.builder().config(config)
                .onEvent(this::onEvent)
                .listener(new SupervisorListener() {
                    @Override
                    public void onGiveUp(ConnectionKey key, String reason) {
                        // The application's decision: this bot keeps its other connections and reports this one.
                        gaveUp.add(key);
                        log.error("{} stopped retrying: {}", key, reason);
                    }
                })
                .build();
    }

    /** Loads the plugins and opens every enabled connection; returns without waiting for them. */
    public void start() {
        host.start();
    }

    /**
     * Called once per inbound event (the host drops redeliveries), on a host thread, in order per
     * channel: a slow answer delays only later messages of the same channel.
     */
    private void onEvent(String workspace, String platform, InboundEvent event) {
        if (!(event instanceof MessageEvent m)) {
            return;
        }
        String thread = m.threadId() != null ? m.threadId() : m.messageId();
        host.send(workspace, platform, new Outbound.Reply(m.channelId(), thread, "you said: " + m.text()))
                .whenComplete((id, failure) -> {
                    if (failure != null) {
                        log.warn("could not answer in {}/{}: {}", platform, workspace, failure.toString());
                    } else {
                        answered.incrementAndGet();
                    }
                });
    }

    /** Messages answered so far. */
    public long answered() {
        return answered.get();
    }

    /** Connections that spent their reconnect budget and stopped. */
    public Set<ConnectionKey> gaveUp() {
        return Set.copyOf(gaveUp);
    }

    /** The embedded host, for status and health checks of the application's own. */
    public GatewayHost host() {
        return host;
    }

    /** Closes every connection (bounded by the configuration's closeTimeout) and unloads the plugins. */
    @Override
    public void close() {
        host.close();
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            // The application owns the JVM, but an example need not end it: a usage error is an exception.
            throw new IllegalArgumentException("usage: EchoBot CONFIG.yaml   (the same configuration file as `gatehouse run`)");
        }
        GatehouseConfig config = new ConfigLoader().load(Path.of(args[0]));
        CountDownLatch stopped = new CountDownLatch(1);
        try (EchoBot bot = new EchoBot(config)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                bot.close();
                stopped.countDown();
            }, "echo-bot-shutdown"));
            bot.start();
            log.info("echo bot running; Ctrl-C stops it");
            stopped.await();
        }
    }
}
