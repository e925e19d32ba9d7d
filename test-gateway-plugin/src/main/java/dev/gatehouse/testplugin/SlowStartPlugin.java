package dev.gatehouse.testplugin;

import org.pf4j.Plugin;

/**
 * A plugin whose start takes 1.5 s (a slow library warming up), well within any start bound: tests use
 * it to hold a swap open in the window where the old version is gone and the new one is not started.
 */
public class SlowStartPlugin extends Plugin {

    @Override
    public void start() {
        try {
            Thread.sleep(1500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
