package dev.gatehouse.testplugin;

import org.pf4j.Plugin;

/** A plugin whose start fails; the host must report it and keep the others running. */
public class ThrowingStartPlugin extends Plugin {

    @Override
    public void start() {
        throw new IllegalStateException("this plugin refuses to start (test)");
    }
}
