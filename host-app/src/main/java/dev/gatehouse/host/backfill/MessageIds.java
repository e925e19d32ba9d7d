package dev.gatehouse.host.backfill;

import java.util.Comparator;
import java.util.regex.Pattern;

/**
 * The order of a channel's message ids: as decimal numbers compare, without parsing them (a longer id
 * is later; ids of one length compare as text). Holds for Slack's {@code ts} ("seconds.micros", fixed
 * width) and Discord's snowflakes; the plugin API asks this of every history-capable platform.
 */
final class MessageIds {

    private static final Pattern DECIMAL = Pattern.compile("[0-9]+(\\.[0-9]+)?");

    static final Comparator<String> ORDER = Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder());

    private MessageIds() {
    }

    /**
     * The id just before {@code id} in this order, as a decimal number one unit of its last digit less
     * (Discord {@code 1234} → {@code 1233}; Slack {@code 1700000000.000100} → {@code 1700000000.000099}): an
     * exclusive "after" bound that includes {@code id}. Null if {@code id} is not such a number or is zero.
     */
    static String before(String id) {
        if (id == null || !DECIMAL.matcher(id).matches()) {
            return null;
        }
        char[] c = id.toCharArray();
        int i = c.length - 1;
        while (i >= 0 && (c[i] == '0' || c[i] == '.')) {
            if (c[i] == '0') {
                c[i] = '9';
            }
            i--;
        }
        if (i < 0) {
            return null; // all zeros
        }
        c[i]--;
        String out = new String(c);
        // A leading zero left by the borrow would make the id look later than shorter ones: drop it.
        return out.length() > 1 && out.charAt(0) == '0' && out.charAt(1) != '.' ? out.substring(1) : out;
    }

    /** Whether {@code id} comes after {@code than} ({@code than} may be null: everything does). */
    static boolean after(String id, String than) {
        return than == null || ORDER.compare(id, than) > 0;
    }
}
