package dev.gatehouse.host.supervisor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The open and close calls of a connection that have not returned yet, each with the instant its bound
 * expires. A new connection is opened only while this is empty (never two live sockets), and a call
 * past its bound tells the watchdog that something is hung. Confined to the owning supervisor's mailbox.
 */
final class CallLedger {

    /** One blocking plugin call in flight. */
    record Call(String what, long epoch, long deadlineNanos) {
    }

    private final List<Call> calls = new ArrayList<>();

    Call begin(String what, long epoch, long deadlineNanos) {
        Call c = new Call(what, epoch, deadlineNanos);
        calls.add(c);
        return c;
    }

    /** @return whether no call is in flight any more */
    boolean end(Call c) {
        calls.remove(c);
        return calls.isEmpty();
    }

    boolean isEmpty() {
        return calls.isEmpty();
    }

    /** A call already past its bound at {@code nowNanos}. */
    Optional<Call> hungAt(long nowNanos) {
        return calls.stream().filter(c -> nowNanos >= c.deadlineNanos()).findFirst();
    }

    /** The earliest bound of a call in flight, or {@code Long.MAX_VALUE}. */
    long earliestDeadline() {
        return calls.stream().mapToLong(Call::deadlineNanos).min().orElse(Long.MAX_VALUE);
    }
}
