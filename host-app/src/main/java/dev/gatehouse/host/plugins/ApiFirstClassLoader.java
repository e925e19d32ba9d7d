package dev.gatehouse.host.plugins;

import org.pf4j.ClassLoadingStrategy;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

/**
 * A plugin class loader that always takes the contract ({@code dev.gatehouse.api}), PF4J and SLF4J
 * from the host, even when a plugin jar bundles them by mistake (a bundled SLF4J would find no logging
 * provider and silently drop the plugin's log lines); everything else is plugin-first, so a plugin's
 * own libraries never clash with the host's.
 */
final class ApiFirstClassLoader extends PluginClassLoader {

    static final String API_PACKAGE = "dev.gatehouse.api.";
    static final String SLF4J_PACKAGE = "org.slf4j.";

    ApiFirstClassLoader(PluginManager manager, PluginDescriptor descriptor, ClassLoader parent) {
        super(manager, descriptor, parent, ClassLoadingStrategy.PDA);
    }

    @Override
    protected boolean shouldDelegateToParent(String className) {
        return className.startsWith(API_PACKAGE) || className.startsWith(SLF4J_PACKAGE)
                || super.shouldDelegateToParent(className);
    }
}
