package dev.gatehouse.discord;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import net.dv8tion.jda.api.requests.GatewayIntent;

/**
 * The gateway close codes after which JDA shuts down instead of reconnecting (its
 * {@code CloseCode.isReconnect() == false}), each with what an operator has to change: retrying with
 * the same settings cannot help, so the host must stop and say why.
 */
final class FatalCloses {

    private FatalCloses() {
    }

    /**
     * @param code the raw close code of JDA's {@code ShutdownEvent}
     * @param settingsPath e.g. {@code workspaces.acme.discord}, to name the key to fix
     * @param privileged the privileged intents this connection asked for
     * @return what to fix, or empty if the code is not one that rules out retrying
     */
    static Optional<String> explain(int code, String settingsPath, Set<GatewayIntent> privileged) {
        return Optional.ofNullable(switch (code) {
            case 4004 -> "Discord rejected the bot token (close 4004, authentication failed): " + settingsPath
                    + ".token is wrong or was reset; copy the current token from the Discord developer portal"
                    + " (your application, Bot, Reset Token)";
            case 4010 -> "Discord refused the shard (close 4010, invalid shard); this gateway runs one unsharded"
                    + " connection per bot, so check that the token in " + settingsPath + ".token belongs to this bot";
            case 4011 -> "Discord requires sharding for this bot (close 4011, sharding required): it is in too many"
                    + " guilds for one connection, which this gateway does not support";
            case 4013 -> "Discord rejected the intents (close 4013, invalid intents): check " + settingsPath + ".intents";
            case 4014 -> "Discord refused a privileged intent (close 4014, disallowed intents)"
                    + (privileged.isEmpty() ? "" : " among " + names(privileged)) + ": enable it for the bot in the"
                    + " Discord developer portal (your application, Bot, Privileged Gateway Intents) or remove it from "
                    + settingsPath + ".intents";
            default -> null;
        });
    }

    private static String names(Set<GatewayIntent> intents) {
        return intents.stream().map(Enum::name).sorted().collect(Collectors.joining(", "));
    }
}
