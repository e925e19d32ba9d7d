package dev.gatehouse.host.backfill;

import java.util.Comparator;

/**
 * The order of a channel's message ids: as decimal numbers compare, without parsing them (a longer id
 * is later; ids of one length compare as text). Holds for Slack's {@code ts} ("seconds.micros", fixed
 * width) and Discord's snowflakes; the plugin API asks this of every history-capable platform.
 */
final class MessageIds {

    static final Comparator<String> ORDER = Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder());

    private MessageIds() {
    }

    /** Whether {@code id} comes after {@code than} ({@code than} may be null: everything does). */
    static boolean after(String id, String than) {
        return than == null || ORDER.compare(id, than) > 0;
    }
}
