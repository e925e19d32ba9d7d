package dev.gatehouse.sim.discord;

import java.util.List;
import java.util.NoSuchElementException;

/**
 * A guild every registered bot is a member of. It is announced in READY as unavailable and then sent
 * as GUILD_CREATE with its text channels, as Discord does, so JDA knows it before guild messages arrive.
 *
 * @param id           snowflake (also the id of its {@code @everyone} role)
 * @param name         guild name
 * @param textChannels its text channels, in position order
 */
public record SimGuild(String id, String name, List<SimChannel> textChannels) {

    public SimGuild {
        textChannels = List.copyOf(textChannels);
        if (textChannels.isEmpty()) {
            throw new IllegalArgumentException("a guild needs at least one text channel");
        }
    }

    /** The first text channel. */
    public SimChannel defaultChannel() {
        return textChannels.get(0);
    }

    /** The text channel with this name. */
    public SimChannel channel(String channelName) {
        return textChannels.stream()
                .filter(c -> c.name().equals(channelName))
                .findFirst()
                .orElseThrow(() -> new NoSuchElementException("guild " + name + " has no channel #" + channelName));
    }
}
