package dev.gatehouse.bench;

import java.util.List;

/**
 * One recovery round: one fault, one kind of client, its trials run side by side.
 *
 * @param fault the fault's key
 * @param description what the fault does
 * @param client {@code gatehouse} or {@code bare}
 * @param trials the trial times
 * @param socketsOpened sockets each trial's app or bot opened during the round (simulator's count)
 * @param maxOpenAtOnce most sockets each trial's app or bot held at once during the round
 */
record RoundResult(String fault, String description, String client, TrialLoop.Result trials, List<Long> socketsOpened,
        List<Integer> maxOpenAtOnce) {

    Stats connected() {
        return Stats.of(TrialLoop.Result.finite(trials.connected()));
    }

    Stats firstEvent() {
        return Stats.of(TrialLoop.Result.finite(trials.firstEvent()));
    }
}
