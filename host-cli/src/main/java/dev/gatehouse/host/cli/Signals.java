package dev.gatehouse.host.cli;

import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into an orderly shutdown that ends with exit code 0 (the JVM's default
 * handling would end with 143/130 before connections are closed in order).
 */
final class Signals {

    private Signals() {
    }

    static void onTermination(Runnable action) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), s -> action.run());
            } catch (IllegalArgumentException e) {
                // signal not available on this platform: the JVM's default handling applies
            }
        }
    }
}
