package dev.gatehouse.sim.discord;

import java.util.Objects;

/**
 * A message channel: a text channel of a {@link SimGuild}, or the DM channel between one bot and one user
 * ({@link SimBot#dmChannel(SimUser)}).
 *
 * @param id          snowflake
 * @param type        guild text channel or DM
 * @param name        channel name; empty for DMs
 * @param guildId     owning guild, {@code null} for DMs
 * @param recipientId the human end of a DM, {@code null} for guild channels
 */
public record SimChannel(String id, Type type, String name, String guildId, String recipientId) {

    /** The channel types the simulator models, with Discord's numeric codes. */
    public enum Type {
        GUILD_TEXT(0),
        DM(1);

        private final int code;

        Type(int code) {
            this.code = code;
        }

        /** Discord's channel type number. */
        public int code() {
            return code;
        }
    }

    public SimChannel {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        if ((type == Type.GUILD_TEXT) != (guildId != null)) {
            throw new IllegalArgumentException("a guild channel needs a guild id and a DM must not have one");
        }
    }

    public boolean isGuildChannel() {
        return type == Type.GUILD_TEXT;
    }
}
