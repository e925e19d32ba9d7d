/**
 * Integration tests: the packaged plugin jar in a real {@code GatewayHost} (real PF4J, real Bolt on
 * Tyrus) against the loopback Slack simulator. Run by failsafe after {@code package}, from a copy of
 * this package only; the plugin's own classes and libraries are not on their class path, so everything
 * of the plugin runs from its jar, in its PF4J class loader.
 */
package dev.gatehouse.slack.it;
