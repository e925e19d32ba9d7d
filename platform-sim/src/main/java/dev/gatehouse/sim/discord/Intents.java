package dev.gatehouse.sim.discord;

/** Gateway intent bits the simulator checks, as Discord defines them. */
final class Intents {

    static final int NONE = 0;
    static final int GUILD_MESSAGES = 1 << 9;
    static final int GUILD_MESSAGE_REACTIONS = 1 << 10;
    static final int DIRECT_MESSAGES = 1 << 12;
    static final int DIRECT_MESSAGE_REACTIONS = 1 << 13;
    static final int MESSAGE_CONTENT = 1 << 15;

    private Intents() {
    }

    static boolean has(int intents, int required) {
        return (intents & required) == required;
    }
}
