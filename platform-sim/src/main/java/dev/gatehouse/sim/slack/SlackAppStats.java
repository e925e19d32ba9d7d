package dev.gatehouse.sim.slack;

/**
 * A snapshot of one app's counters, from {@link SlackSimulator#stats}.
 *
 * @param appId                 the app
 * @param socketsOpened         WebSockets opened (handshake accepted) since the app was registered
 * @param openNow               WebSockets open at the time of the snapshot
 * @param maxOpenAtOnce         most WebSockets open at the same time since registration or the last
 *                              {@link SlackSimulator#resetMaxOpenAtOnce}
 * @param connectionsOpenCalls  {@code apps.connections.open} calls with this app's tokens, whatever the answer
 * @param authTestCalls         {@code auth.test} calls with either of this app's tokens
 * @param pings                 WebSocket pings received, answered or not
 * @param hellosSent            {@code hello} messages sent
 * @param envelopesPushed       envelopes written, redeliveries included
 * @param redeliveries          Events API redeliveries written
 * @param acks                  acks matching a delivered envelope
 * @param lateAcks              of those, acks later than {@link AckRecord#LATE_THRESHOLD}
 * @param unknownAcks           acks naming no envelope delivered to this app, or one already acked
 * @param handshakesRejected    WebSocket handshakes refused by {@link SlackSimulator#rejectHandshakes}
 * @param eventsAbandoned       events whose last allowed redelivery was not acked either
 */
public record SlackAppStats(String appId, long socketsOpened, int openNow, int maxOpenAtOnce,
                            long connectionsOpenCalls, long authTestCalls, long pings, long hellosSent,
                            long envelopesPushed, long redeliveries, long acks, long lateAcks, long unknownAcks,
                            long handshakesRejected, long eventsAbandoned) {
}
