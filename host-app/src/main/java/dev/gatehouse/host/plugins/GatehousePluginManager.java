package dev.gatehouse.host.plugins;

import dev.gatehouse.api.PluginContext;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
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
import org.pf4j.PluginStatusProvider;
import org.pf4j.PluginWrapper;
import org.pf4j.BasePluginRepository;

/**
 * PF4J configured for Gatehouse: one fat jar per plugin, manifest descriptors, the API package loaded
 * parent-first, host services pushed into {@code Plugin} and extension constructors, and no
 * {@code enabled.txt}/{@code disabled.txt} (enablement is per workspace, in the host's configuration).
 *
 * <p>Plugin code never runs on the calling thread: the {@code Plugin} PF4J holds is a
 * {@link BoundedPlugin}, and extensions are constructed through {@link PluginCall}, each within its bound.
 *
 * <p>PF4J calls the {@code create*} methods from its own constructor, before this class's fields are
 * assigned; the factories therefore read the fields only when they are called.
 * Not thread-safe: the owning {@link PluginRuntime} serialises every call.
 */
final class GatehousePluginManager extends DefaultPluginManager {

    /** Set right after construction; read only when PF4J instantiates plugin classes. */
    private final Function<String, PluginScope> scopes;
    /** How long a plugin's constructors and {@code start()} may take, each. */
    private final Duration startBound;
    /** How long a plugin's {@code stop()} may take. */
    private final Duration stopBound;

    GatehousePluginManager(Path pluginsDir, String apiVersion, Function<String, PluginScope> scopes, Duration startBound,
            Duration stopBound) {
        super(pluginsDir);
        this.scopes = scopes;
        this.startBound = startBound;
        this.stopBound = stopBound;
        setSystemVersion(apiVersion);
        setExactVersionAllowed(false);
    }

    /**
     * Removes a plugin from PF4J whatever its state, without touching other plugins and without
     * re-resolving the rest (which throws while any registered plugin misses a dependency).
     */
    void discard(String pluginId) {
        unloadPlugin(pluginId, false, false);
    }

    private PluginScope scope(String pluginId) {
        PluginScope s = scopes.apply(pluginId);
        if (s == null) {
            throw new PluginRuntimeException("no host scope for plugin '{}'", pluginId);
        }
        return s;
    }

    @Override
    protected PluginDescriptorFinder createPluginDescriptorFinder() {
        return new ManifestPluginDescriptorFinder();
    }

    @Override
    protected PluginRepository createPluginRepository() {
        // Only the jars the host asks for by path; never a folder scan behind its back.
        return new BasePluginRepository(getPluginsRoots()) {
            @Override
            public java.util.List<Path> getPluginPaths() {
                return java.util.List.of();
            }
        };
    }

    @Override
    protected PluginLoader createPluginLoader() {
        return new JarPluginLoader(this) {
            @Override
            protected PluginClassLoader createPluginClassLoader(Path pluginPath, PluginDescriptor descriptor) {
                return new ApiFirstClassLoader(pluginManager, descriptor, getClass().getClassLoader());
            }
        };
    }

    @Override
    protected PluginStatusProvider createPluginStatusProvider() {
        return new PluginStatusProvider() {
            @Override
            public boolean isPluginDisabled(String pluginId) {
                return false;
            }

            @Override
            public void disablePlugin(String pluginId) {
            }

            @Override
            public void enablePlugin(String pluginId) {
            }
        };
    }

    @Override
    protected PluginFactory createPluginFactory() {
        return wrapper -> {
            String className = wrapper.getDescriptor().getPluginClass();
            if (className == null || className.isBlank()) {
                throw new PluginRuntimeException("the manifest has no Plugin-Class; add one naming a subclass of org.pf4j.Plugin");
            }
            Class<?> type;
            try {
                type = wrapper.getPluginClassLoader().loadClass(className);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new PluginRuntimeException(e, "Plugin-Class {} cannot be loaded from the jar: {}", className, e);
            }
            if (!Plugin.class.isAssignableFrom(type)) {
                throw new PluginRuntimeException("Plugin-Class {} does not extend org.pf4j.Plugin", className);
            }
            String id = wrapper.getPluginId();
            ClassLoader loader = wrapper.getPluginClassLoader();
            return new BoundedPlugin(id, className, loader, () -> startBound, () -> stopBound,
                    () -> (Plugin) instantiate(type, scope(id)));
        };
    }

    @Override
    protected ExtensionFactory createExtensionFactory() {
        return new ExtensionFactory() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> T create(Class<T> extensionClass) {
                PluginWrapper owner = whichPlugin(extensionClass);
                if (owner == null) {
                    throw new PluginRuntimeException("extension {} belongs to no loaded plugin", extensionClass.getName());
                }
                String id = owner.getPluginId();
                PluginScope scope = scope(id);
                Object existing = scope.extensions.get(extensionClass.getName());
                if (existing != null) {
                    return (T) existing;
                }
                Object created;
                try {
                    created = PluginCall.run(id, "new " + extensionClass.getSimpleName(), owner.getPluginClassLoader(),
                            startBound, () -> instantiate(extensionClass, scope));
                } catch (PluginRuntimeException e) {
                    // PF4J logs and drops a failed extension; keep the reason for the plugin's status.
                    scope.extensionFailure = e.getMessage();
                    throw e;
                }
                Object raced = scope.extensions.putIfAbsent(extensionClass.getName(), created);
                return (T) (raced != null ? raced : created);
            }
        };
    }

    /** Calls the {@code (PluginContext)} constructor if there is one, else the no-argument one. */
    static Object instantiate(Class<?> type, PluginContext context) {
        try {
            Constructor<?> withContext = null;
            for (Constructor<?> c : type.getConstructors()) {
                if (c.getParameterCount() == 1 && c.getParameterTypes()[0] == PluginContext.class) {
                    withContext = c;
                }
            }
            return withContext != null ? withContext.newInstance(context) : type.getConstructor().newInstance();
        } catch (InvocationTargetException e) {
            throw new PluginRuntimeException(e.getCause(), "constructor of {} threw {}", type.getName(), e.getCause());
        } catch (NoSuchMethodException e) {
            throw new PluginRuntimeException("{} needs a public constructor taking a PluginContext, or none", type.getName());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new PluginRuntimeException(e, "cannot instantiate {}: {}", type.getName(), e);
        }
    }
}
