package dev.gatehouse.host.cluster.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LeaseClockTest {

    private static final long S = 1_000_000_000L;

    @Test
    void nothingIsHeldBeforeTheSessionIsConfirmed() {
        LeaseClock c = new LeaseClock(Duration.ofSeconds(12), Duration.ofSeconds(3));
        assertThat(c.held(0)).isFalse();
    }

    @Test
    void theFenceFallsBeforeTheEarliestExpiryByTheCloseBoundAndTheReportingLag() {
        LeaseClock c = new LeaseClock(Duration.ofSeconds(12), Duration.ofSeconds(3));
        c.answered(100 * S);
        // 100 s + 12 s (session) - 3 s (a quarter: a follower's late report) - 3 s (close bound + margin)
        assertThat(c.fenceAt()).isEqualTo(106 * S);
        assertThat(c.held(106 * S - 1)).isTrue();
        assertThat(c.held(106 * S)).isFalse();
    }

    @Test
    void aLaterAnswerToAnEarlierRequestDoesNotExtendTheLease() {
        LeaseClock c = new LeaseClock(Duration.ofSeconds(12), Duration.ofSeconds(3));
        c.answered(100 * S);
        c.answered(90 * S);
        assertThat(c.fenceAt()).isEqualTo(106 * S);
        c.answered(101 * S);
        assertThat(c.fenceAt()).isEqualTo(107 * S);
    }

    @Test
    void aShorterNegotiatedTimeoutShortensTheLeaseAndALongerOneDoesNot() {
        LeaseClock c = new LeaseClock(Duration.ofSeconds(12), Duration.ofSeconds(3));
        c.answered(0);
        c.negotiated(Duration.ofSeconds(40));
        assertThat(c.sessionTimeout()).isEqualTo(Duration.ofSeconds(12));
        c.negotiated(Duration.ofSeconds(8));
        assertThat(c.fenceAt()).isEqualTo(8 * S - 2 * S - 3 * S);
    }

    @Test
    void anEndedSessionHoldsNothingUntilConfirmedAgain() {
        LeaseClock c = new LeaseClock(Duration.ofSeconds(12), Duration.ofSeconds(3));
        c.answered(0);
        c.sessionEnded();
        assertThat(c.held(1)).isFalse();
        c.answered(2 * S);
        assertThat(c.held(3 * S)).isTrue();
    }

    @Test
    void withTheSmallestSessionTheValidationAllowsAFreshlyConfirmedLeaseStillHasRoom() {
        // cluster.sessionTimeout >= 3 x (closeTimeout + 1 s): 12 s with a 3 s close bound, lead 4 s.
        LeaseClock c = new LeaseClock(Duration.ofSeconds(12), Duration.ofSeconds(4));
        long probeEvery = 2 * S; // a sixth of the session
        c.answered(0);
        // Just before the next probe's answer, the lease must still hold with room to spare.
        assertThat(c.fenceAt() - probeEvery).isGreaterThanOrEqualTo(3 * S);
    }

    @Test
    void aLongerCloseBoundFromAReloadMovesTheFenceEarlier() {
        LeaseClock c = new LeaseClock(Duration.ofSeconds(12), Duration.ofSeconds(3));
        c.answered(100 * S);
        c.lead(Duration.ofSeconds(4));
        assertThat(c.fenceAt()).isEqualTo(105 * S);
    }
}
