package dev.gatehouse.tck;

import dev.gatehouse.api.PluginContext;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.pf4j.BasePluginRepository;
import org.pf4j.ClassLoadingStrategy;
import org.pf4j.DefaultPluginManager;
import org.pf4j.ExtensionFactory;
import org.pf4j.JarPluginLoader;
import org.pf4j.ManifestPluginDescriptorFinder;
import org.pf4j.Plugin;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginDescriptorFinder;
import org.pf4j.PluginFactory;
import org.pf4j.PluginLoader;
import org.pf4j.PluginRepository;
import org.pf4j.PluginRuntimeException;

/**
 * PF4J set up as the Gatehouse host sets it up: manifest descriptors, a plugin-first class loader that
 * takes the contract, PF4J and SLF4J from the application, and the plugin-wide {@link PluginContext}
 * passed to the constructors of the {@code Plugin} class and of extensions that take one.
 */
final class TckPluginManager extends DefaultPluginManager {

    /** One context per plugin id; PF4J calls the factories from its own constructor, so no field initialiser. */
    private Map<String, TckPluginContext> contexts;

    TckPluginManager(Path root) {
        super(root);
        setSystemVersion(TckPluginContext.API_VERSION);
        setExactVersionAllowed(false);
    }

    TckPluginContext context(String pluginId, ClassLoader loader) {
        if (contexts == null) {
            contexts = new ConcurrentHashMap<>();
        }
        return contexts.computeIfAbsent(pluginId,
                id -> new TckPluginContext(id, TckPluginContext.API_VERSION, new TckExecutors(id, loader)));
    }

    @Override
    protected PluginDescriptorFinder createPluginDescriptorFinder() {
        return new ManifestPluginDescriptorFinder();
    }

    @Override
    protected PluginRepository createPluginRepository() {
        return new BasePluginRepository(getPluginsRoots()) {
            @Override
            public List<Path> getPluginPaths() {
                return List.of();
            }
        };
    }

    @Override
    protected PluginLoader createPluginLoader() {
        return new JarPluginLoader(this) {
            @Override
            protected PluginClassLoader createPluginClassLoader(Path pluginPath, PluginDescriptor descriptor) {
                return new PluginClassLoader(pluginManager, descriptor, getClass().getClassLoader(), ClassLoadingStrategy.PDA) {
                    @Override
                    protected boolean shouldDelegateToParent(String className) {
                        return className.startsWith("dev.gatehouse.api.") || className.startsWith("org.slf4j.")
                                || super.shouldDelegateToParent(className);
                    }
                };
            }
        };
    }

    @Override
    protected PluginFactory createPluginFactory() {
        return wrapper -> {
            String className = wrapper.getDescriptor().getPluginClass();
            try {
                Class<?> type = wrapper.getPluginClassLoader().loadClass(className);
                return (Plugin) instantiate(type, context(wrapper.getPluginId(), wrapper.getPluginClassLoader()));
            } catch (ClassNotFoundException | ClassCastException e) {
                throw new PluginRuntimeException(e, "Plugin-Class {} of {} is missing or does not extend org.pf4j.Plugin",
                        className, wrapper.getPluginPath());
            }
        };
    }

    @Override
    protected ExtensionFactory createExtensionFactory() {
        return new ExtensionFactory() {
            @Override
            public <T> T create(Class<T> type) {
                var owner = whichPlugin(type);
                PluginContext ctx = context(owner.getPluginId(), owner.getPluginClassLoader());
                return type.cast(instantiate(type, ctx));
            }
        };
    }

    /** The {@code (PluginContext)} constructor if there is one, else the no-argument one, as the host does. */
    static Object instantiate(Class<?> type, PluginContext context) {
        try {
            for (Constructor<?> c : type.getConstructors()) {
                if (c.getParameterCount() == 1 && c.getParameterTypes()[0] == PluginContext.class) {
                    return c.newInstance(context);
                }
            }
            return type.getConstructor().newInstance();
        } catch (InvocationTargetException e) {
            throw new PluginRuntimeException(e.getCause(), "constructor of {} threw {}", type.getName(), e.getCause());
        } catch (NoSuchMethodException e) {
            throw new PluginRuntimeException("{} needs a public constructor taking a PluginContext, or none", type.getName());
        } catch (ReflectiveOperationException e) {
            throw new PluginRuntimeException(e, "cannot instantiate {}", type.getName());
        }
    }
}
