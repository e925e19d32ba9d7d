package dev.gatehouse.slack;

import dev.gatehouse.api.GatewayExecutors;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Hashtable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.OperationNotSupportedException;
import javax.naming.spi.InitialContextFactory;

/**
 * One pair of Tyrus executors for every Slack connection of this plugin, instead of a pair per
 * connection attempt.
 *
 * <p>The SDK creates a new Tyrus {@code ClientManager} for each WebSocket it opens. Each manager makes
 * its own cached pool and its own 10-thread scheduler, and Tyrus schedules an idle-timeout task on that
 * scheduler for every frame sent or received, so every live connection soon holds 8–10 idle
 * {@code tyrus-N-thread-M} threads: the largest per-connection cost the benchmarks measured (8 of
 * 14.4 threads per Slack workspace). Tyrus skips creating them when a container provides "managed"
 * executors under two JNDI names, and it never shuts those down. This class is that container: the
 * plugin jar's {@code jndi.properties} names it as the initial context factory, JNDI finds that file
 * through the thread's context class loader (the host sets it to the plugin's loader on every thread
 * it lends the plugin, and when it calls {@code open}), and the context answers the two names with
 * the pools installed at plugin start.
 *
 * <p>With nothing installed (the SDK used outside the plugin) every lookup fails and Tyrus creates its
 * own pools, as it would without this class. Any other name is not found.
 */
public final class TyrusPools implements InitialContextFactory {

    static final String EXECUTOR = "java:comp/DefaultManagedExecutorService";
    static final String SCHEDULER = "java:comp/DefaultManagedScheduledExecutorService";
    /** Idle-timeout tasks are a few instructions each; two threads serve hundreds of connections. */
    static final int SCHEDULER_THREADS = 2;

    private record Pools(ExecutorService executor, ScheduledExecutorService scheduler) {
    }

    /** This class loader's pools: one plugin instance per loader, so one pair per loaded plugin version. */
    private static volatile Pools pools;

    /** JNDI instantiates the factory by its name. */
    public TyrusPools() {
    }

    /**
     * Creates the shared pools on the plugin's executors (the host stops their threads when the plugin
     * stops). Connections opened before this keep Tyrus's own pools.
     *
     * @param executors the plugin-wide executors
     */
    static synchronized void install(GatewayExecutors executors) {
        uninstall();
        pools = new Pools(Executors.newCachedThreadPool(executors.threadFactory("tyrus")),
                executors.newScheduler("tyrus-timers", SCHEDULER_THREADS));
    }

    /** Shuts the shared pools down; later Tyrus clients create their own again. Idempotent. */
    static synchronized void uninstall() {
        Pools p = pools;
        pools = null;
        if (p != null) {
            p.executor().shutdownNow();
            p.scheduler().shutdownNow();
        }
    }

    static boolean installed() {
        return pools != null;
    }

    @Override
    public Context getInitialContext(Hashtable<?, ?> environment) {
        return (Context) Proxy.newProxyInstance(TyrusPools.class.getClassLoader(), new Class<?>[] {Context.class},
                new Lookup());
    }

    /** A read-only context with two names; everything else it does not support. */
    private static final class Lookup implements InvocationHandler {

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Exception {
            switch (method.getName()) {
                case "lookup":
                    return lookup(String.valueOf(args[0]));
                case "close":
                    return null;
                case "getEnvironment":
                    return new Hashtable<String, Object>();
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                case "toString":
                    return "TyrusPools context";
                default:
                    throw new OperationNotSupportedException("the Slack plugin's JNDI context only answers "
                            + EXECUTOR + " and " + SCHEDULER + ", not " + method.getName());
            }
        }

        private static Object lookup(String name) throws NameNotFoundException {
            Pools p = pools;
            if (p != null && EXECUTOR.equals(name)) {
                return p.executor();
            }
            if (p != null && SCHEDULER.equals(name)) {
                return p.scheduler();
            }
            throw new NameNotFoundException(name + " (the Slack plugin's shared Tyrus pools are not installed)");
        }
    }
}
