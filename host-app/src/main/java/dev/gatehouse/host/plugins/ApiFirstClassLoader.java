package dev.gatehouse.host.plugins;

import org.pf4j.ClassLoadingStrategy;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

/**
 * A plugin class loader that always takes the contract ({@code dev.gatehouse.api}) and PF4J from the
 * host, even when a plugin jar bundles them by mistake; everything else is plugin-first, so a plugin's
 * own libraries never clash with the host's.
 */
final class ApiFirstClassLoader extends PluginClassLoader {

    static final String API_PACKAGE = "dev.gatehouse.api.";

    ApiFirstClassLoader(PluginManager manager, PluginDescriptor descriptor, ClassLoader parent) {
        super(manager, descriptor, parent, ClassLoadingStrategy.PDA);
    }

    @Override
    protected boolean shouldDelegateToParent(String className) {
        return className.startsWith(API_PACKAGE) || super.shouldDelegateToParent(className);
    }
}
