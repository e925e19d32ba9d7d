package dev.gatehouse.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.api.MessageEvent;
import dev.gatehouse.sim.discord.SimChannel;
import dev.gatehouse.sim.discord.SimGuild;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The event path under a burst: messages pushed back to back, interleaved over several channels, reach
 * the bot's handler once each and in the order they were sent within each channel, and the handler
 * never runs on one of JDA's threads (a slow handler there would stall JDA's reading of heartbeat ACKs).
 */
class DiscordEventOrderIT extends SimulatorIT {

    private static final int PER_CHANNEL = 300;

    @Test
    void aBurstAcrossChannelsKeepsEachChannelsOrder() throws Exception {
        SimGuild guild = sim.createGuild("order", "c1", "c2", "c3", "c4");
        Set<String> handlerThreads = ConcurrentHashMap.newKeySet();
        h = new DiscordHost(sim, dir).handler((ws, platform, e) -> {
            handlerThreads.add(Thread.currentThread().getName());
            // A handler that takes a little time lets channels overtake each other, as real handlers do.
            LockSupport.parkNanos(20_000);
        }).startConnected();
        List<SimChannel> channels = guild.textChannels();

        for (int i = 0; i < PER_CHANNEL; i++) {
            for (SimChannel c : channels) {
                assertThat(h.bot.guildMessage(c, alice, c.name() + " " + i).accepted()).isTrue();
            }
        }

        int total = PER_CHANNEL * channels.size();
        await().atMost(Duration.ofSeconds(60)).until(() -> h.messages().size() >= total);
        await().during(Duration.ofMillis(300)).until(() -> h.messages().size() == total);
        Map<String, List<String>> byChannel = h.messages().stream().collect(
                Collectors.groupingBy(MessageEvent::channelId, Collectors.mapping(MessageEvent::text, Collectors.toList())));
        for (SimChannel c : channels) {
            assertThat(byChannel.get(c.id())).as("channel %s, in arrival order", c.name())
                    .containsExactlyElementsOf(IntStream.range(0, PER_CHANNEL).mapToObj(i -> c.name() + " " + i).toList());
        }
        assertThat(handlerThreads).isNotEmpty().noneMatch(n -> n.startsWith("JDA "));
    }
}
