package dev.gatehouse.bench;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Points all logging of this JVM at one file ({@code bench-logback.xml}), replacing whatever configuration
 * logback found first (the host's, which writes to stderr), so the console keeps the tables readable.
 */
final class BenchLogging {

    private BenchLogging() {
    }

    static void toFile(Path file) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J provider: leave it alone
        }
        context.reset();
        context.putProperty("bench.log", file.toAbsolutePath().toString());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(BenchLogging.class.getResource("/bench-logback.xml"));
        } catch (JoranException e) {
            System.err.println("bench: logging not configured: " + e.getMessage());
        }
        if (!SLF4JBridgeHandler.isInstalled()) { // Tyrus and Grizzly log through java.util.logging
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }
}
