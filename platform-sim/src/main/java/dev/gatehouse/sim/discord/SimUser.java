package dev.gatehouse.sim.discord;

import java.util.Objects;

/**
 * A Discord user known to the simulator: a human created with {@link DiscordSimulator#createUser(String)}
 * or a registered bot ({@link SimBot#asUser()}).
 *
 * @param id       snowflake, as Discord spells it (a decimal string)
 * @param username unique user name
 * @param bot      whether this is a bot account
 */
public record SimUser(String id, String username, boolean bot) {

    public SimUser {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(username, "username");
    }

    /** The mention markup Discord puts in message content, {@code <@id>}. */
    public String mention() {
        return "<@" + id + ">";
    }
}
