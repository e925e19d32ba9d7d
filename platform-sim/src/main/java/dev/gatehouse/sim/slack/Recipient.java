package dev.gatehouse.sim.slack;

/**
 * Where a push goes: a whole app ({@link SimSlackApp}), which gets it on one of its open connections chosen
 * round-robin as Slack does, or one specific {@link SimConnection}.
 */
public sealed interface Recipient permits SimSlackApp, SimConnection {
}
