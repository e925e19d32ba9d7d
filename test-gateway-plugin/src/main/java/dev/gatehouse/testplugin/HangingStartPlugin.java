package dev.gatehouse.testplugin;

import java.util.concurrent.TimeUnit;
import org.pf4j.Plugin;

/**
 * A plugin whose start blocks for 90 s and ignores interrupts, as a library stuck in a blocking call
 * does: the host must bound the call, refuse the plugin and keep every host thread answering.
 */
public class HangingStartPlugin extends Plugin {

    @Override
    public void start() {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        long left;
        while ((left = end - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                // ignored on purpose: a hung library call does not notice interrupts either
            }
        }
    }
}
