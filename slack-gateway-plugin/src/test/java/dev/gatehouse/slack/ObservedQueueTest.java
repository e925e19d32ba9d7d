package dev.gatehouse.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.slack.api.socket_mode.queue.impl.ConcurrentLinkedMessageQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ObservedQueueTest {

    private final ConcurrentLinkedMessageQueue original = new ConcurrentLinkedMessageQueue();
    private final List<String> reasons = new ArrayList<>();
    private final ObservedQueue queue = new ObservedQueue(original, reason -> {
        reasons.add(reason);
        return DisconnectPolicy.forReason(reason) == DisconnectPolicy.FOLLOW;
    });

    private static String disconnect(String reason) {
        return "{\"type\":\"disconnect\",\"reason\":\"" + reason + "\",\"debug_info\":{\"host\":\"applink\"}}";
    }

    @Test
    void framesQueuedBeforeTheWrapperAreStillPolled() {
        original.add("{\"type\":\"hello\"}");
        assertThat(queue.poll()).isEqualTo("{\"type\":\"hello\"}");
    }

    @Test
    void envelopesAndRefreshesReachTheSdk() {
        queue.add("{\"type\":\"events_api\",\"envelope_id\":\"1\",\"payload\":{\"text\":\"disconnect\"}}");
        queue.add(disconnect("refresh_requested"));
        queue.add(disconnect("warning"));
        assertThat(queue.poll()).contains("events_api");
        assertThat(queue.poll()).contains("refresh_requested");
        assertThat(queue.poll()).contains("warning");
        assertThat(reasons).containsExactly("refresh_requested", "warning");
    }

    @Test
    void tooManyWebsocketsAndLinkDisabledAreKeptFromTheSdk() {
        queue.add(disconnect("too_many_websockets"));
        queue.add(disconnect("link_disabled"));
        assertThat(queue.poll()).isNull();
        assertThat(reasons).containsExactly("too_many_websockets", "link_disabled");
    }

    @Test
    void onlyRealDisconnectMessagesAreRecognised() {
        assertThat(ObservedQueue.disconnectReason("{\"type\":\"message\",\"text\":\"\\\"disconnect\\\"\"}")).isNull();
        assertThat(ObservedQueue.disconnectReason("not json \"disconnect\"")).isNull();
        assertThat(ObservedQueue.disconnectReason("{\"type\":\"disconnect\"}")).isEmpty();
    }

    @Test
    void thePolicyHoldsOnlyWhereAnImmediateReconnectCannotHelp() {
        assertThat(DisconnectPolicy.forReason("too_many_websockets")).isEqualTo(DisconnectPolicy.HOLD);
        assertThat(DisconnectPolicy.forReason("link_disabled")).isEqualTo(DisconnectPolicy.HOLD);
        assertThat(DisconnectPolicy.forReason("refresh_requested")).isEqualTo(DisconnectPolicy.FOLLOW);
        assertThat(DisconnectPolicy.forReason("something_new")).isEqualTo(DisconnectPolicy.FOLLOW);
        assertThat(DisconnectPolicy.forReason(null)).isEqualTo(DisconnectPolicy.FOLLOW);
        assertThat(DisconnectPolicy.cause("too_many_websockets")).contains("too_many_websockets").contains("host's policy");
    }

    @Test
    void eachPolledFrameCarriesTheTimeItArrivedNotTheTimeItWasPolled() {
        AtomicLong now = new AtomicLong(100);
        original.add("{\"type\":\"hello\"}"); // queued before the wrapper: its arrival was not seen
        ObservedQueue stamped = new ObservedQueue(original, reason -> false, () -> { }, now::get);
        stamped.add("{\"envelope_id\":\"a\"}");
        now.set(200);
        stamped.add(disconnect("too_many_websockets")); // kept from the SDK: never polled, never stamped
        stamped.add("{\"envelope_id\":\"b\"}");
        now.set(5_000);

        assertThat(stamped.poll()).contains("hello");
        assertThat(stamped.lastPollReceivedNanos()).isEqualTo(5_000);
        assertThat(stamped.poll()).contains("\"a\"");
        assertThat(stamped.lastPollReceivedNanos()).isEqualTo(100);
        assertThat(stamped.poll()).contains("\"b\"");
        assertThat(stamped.lastPollReceivedNanos()).isEqualTo(200);
        assertThat(stamped.poll()).isNull();
        assertThat(stamped.lastPollReceivedNanos()).isEqualTo(200);
    }

    @Test
    void equalFramesAreStampedSeparately() {
        AtomicLong now = new AtomicLong(1);
        ObservedQueue stamped = new ObservedQueue(original, reason -> true, () -> { }, now::get);
        String frame = "{\"envelope_id\":\"same text\"}";
        stamped.add(frame);
        now.set(2);
        stamped.add(new String(frame));

        stamped.poll();
        assertThat(stamped.lastPollReceivedNanos()).isEqualTo(1);
        stamped.poll();
        assertThat(stamped.lastPollReceivedNanos()).isEqualTo(2);
    }
}
