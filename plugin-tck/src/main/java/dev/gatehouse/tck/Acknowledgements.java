package dev.gatehouse.tck;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Optional;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;

/**
 * The acknowledgement rule: while the sink's stage is pending the event is not acknowledged (before the
 * plugin's declared early-ack deadline, if any); once it completes normally it is; if it completes
 * exceptionally it never is, so that the platform redelivers it.
 */
final class Acknowledgements {

    /** Slack's and the kit's slack for scheduling: an ack this much before the declared deadline still counts as early. */
    private static final Duration MARGIN = Duration.ofMillis(300);

    private final TransportControl transport;
    private final RecordingSink sink;
    private final Duration quiet;
    private final Optional<Duration> earlyAck;
    private final Duration bound;

    Acknowledgements(TransportControl transport, RecordingSink sink, Duration quiet, Optional<Duration> earlyAck, Duration bound) {
        this.transport = transport;
        this.sink = sink;
        this.quiet = quiet;
        this.earlyAck = earlyAck;
        this.bound = bound;
    }

    void check() {
        sink.hold(true);
        String taken = transport.pushEvent();
        Assumptions.assumeTrue(transport.acknowledged(taken).isPresent(),
                "the platform has no acknowledgements (TransportControl.acknowledged is empty)");
        RecordingSink.Delivery d1 = awaitDelivery(0);
        Duration hold = earlyAck.map(d -> d.minus(MARGIN)).filter(d -> d.compareTo(quiet) < 0).orElse(quiet);
        neverAcked(taken, hold, "was acknowledged while the sink's stage was still pending"
                + earlyAck.map(d -> " (earlier than the declared " + d.toMillis() + " ms deadline)").orElse(""),
                "acknowledge in deliver(event).whenComplete((v, err) -> { if (err == null) ack(); })");
        d1.stage().complete(null);
        try {
            await().atMost(bound).pollInterval(Duration.ofMillis(20)).until(() -> transport.acknowledged(taken).orElse(false));
        } catch (ConditionTimeoutException e) {
            fail(Rule.ACK.broken("an event whose stage completed normally was not acknowledged within " + bound.toMillis()
                    + " ms", "acknowledge once the stage completes normally, or the platform redelivers it forever"));
        }
        String refused = transport.pushEvent();
        RecordingSink.Delivery d2 = awaitDelivery(1);
        d2.stage().completeExceptionally(new IllegalStateException("the conformance kit refuses this event"));
        neverAcked(refused, earlyAck.map(d -> d.plus(quiet)).orElse(quiet), "was acknowledged although the sink's "
                + "stage completed exceptionally", "do not acknowledge when the stage fails: the host did not take the "
                + "event and the platform must redeliver it");
    }

    private RecordingSink.Delivery awaitDelivery(int index) {
        try {
            await().atMost(bound).pollInterval(Duration.ofMillis(20)).until(() -> sink.deliveries().size() > index);
        } catch (ConditionTimeoutException e) {
            fail(Rule.ACK.broken("an event the server sent was not delivered to the sink within " + bound.toMillis() + " ms",
                    "hand every inbound event to GatewayContext.inbound().deliver(...)"));
        }
        return sink.deliveries().get(index);
    }

    private void neverAcked(String token, Duration window, String what, String fix) {
        try {
            await().during(window).atMost(window.plusSeconds(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> !transport.acknowledged(token).orElse(false));
        } catch (ConditionTimeoutException e) {
            fail(Rule.ACK.broken("an event " + what, fix));
        }
    }
}
