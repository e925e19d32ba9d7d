package dev.gatehouse.tck;

import org.pf4j.Plugin;

/** The {@code Plugin-Class} of the plugin jar {@link LinePluginJar} builds around {@link LineGateway}. */
public class LinePlugin extends Plugin {
}
