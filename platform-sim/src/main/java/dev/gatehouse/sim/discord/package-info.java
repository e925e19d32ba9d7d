/**
 * A loopback fake of Discord — gateway and REST — with a closed menu of faults, for testing real
 * Discord client libraries (JDA) unmodified. Start with {@link dev.gatehouse.sim.discord.DiscordSimulator};
 * each bot is a {@link dev.gatehouse.sim.discord.SimBot}; faults on open sockets are
 * {@link dev.gatehouse.sim.discord.GatewayFault}s. Everything else in the package is internal.
 */
package dev.gatehouse.sim.discord;
