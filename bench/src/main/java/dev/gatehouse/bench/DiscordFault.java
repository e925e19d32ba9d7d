package dev.gatehouse.bench;

import dev.gatehouse.sim.discord.AcceptMode;
import dev.gatehouse.sim.discord.DiscordSimulator;
import dev.gatehouse.sim.discord.GatewayFault;
import dev.gatehouse.sim.discord.SimBot;
import java.util.Arrays;
import java.util.List;

/**
 * Every fault the Discord simulator can inject, as one recovery trial applies it to one bot's socket.
 * The storm (every new connection accepted, sent HELLO and dropped) is <em>sustained</em>: it lasts
 * {@code --storm} and its trial is timed from its end.
 */
enum DiscordFault {
    FIN("fin", "TCP FIN, no close frame"),
    ZOMBIE("zombie", "heartbeats no longer ACKed on the socket"),
    BLACK_HOLE("black-hole", "socket reads and drops everything, close unanswered"),
    OP7("op7", "op 7 RECONNECT"),
    OP9_FALSE("op9-false", "op 9 INVALID_SESSION d=false (new IDENTIFY needed)"),
    STORM("storm", "socket dropped, every new one accepted then dropped for --storm; timed from its end");

    private final String key;
    private final String description;

    DiscordFault(String key, String description) {
        this.key = key;
        this.description = description;
    }

    String key() {
        return key;
    }

    String description() {
        return description;
    }

    boolean sustained() {
        return this == STORM;
    }

    static List<String> names() {
        return Arrays.stream(values()).map(DiscordFault::key).toList();
    }

    static DiscordFault of(String key) {
        return Arrays.stream(values()).filter(f -> f.key.equals(key)).findFirst().orElseThrow();
    }

    /** Starts the fault on the bot's socket (the storm also switches the whole gateway to accept-then-drop). */
    void inject(DiscordSimulator sim, SimBot bot) {
        if (this == STORM) {
            sim.acceptMode(AcceptMode.CLOSE_AFTER_HELLO);
        }
        bot.inject(switch (this) {
            case FIN, STORM -> GatewayFault.fin();
            case ZOMBIE -> GatewayFault.stopAcks();
            case BLACK_HOLE -> GatewayFault.blackHole();
            case OP7 -> GatewayFault.reconnect();
            case OP9_FALSE -> GatewayFault.invalidSession(false);
        });
    }

    /** Ends whatever still lasts: the storm's accept mode, the standing faults of the bot's old sockets. */
    void lift(DiscordSimulator sim, SimBot bot) {
        if (this == STORM) {
            sim.acceptMode(AcceptMode.NORMAL);
        }
        bot.clearFaults();
    }
}
