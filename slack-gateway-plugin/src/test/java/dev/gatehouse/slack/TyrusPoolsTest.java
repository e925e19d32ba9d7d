package dev.gatehouse.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.host.exec.HostExecutors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.naming.InitialContext;
import javax.naming.NameNotFoundException;
import org.glassfish.tyrus.client.ClientManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real Tyrus client managers, finding the plugin's pools through the real JNDI and this module's jndi.properties. */
class TyrusPoolsTest {

    private final HostExecutors plugin = new HostExecutors("slack-plugin", getClass().getClassLoader(), null, null, -1);

    @AfterEach
    void tearDown() {
        TyrusPools.uninstall();
        plugin.shutdown(java.time.Duration.ofSeconds(5));
    }

    @Test
    void everyClientManagerUsesTheOneSharedPairOnThePluginsThreads() throws Exception {
        TyrusPools.install(plugin);
        ClientManager first = ClientManager.createClient();
        ClientManager second = ClientManager.createClient();

        assertThat(first.getScheduledExecutorService()).isSameAs(second.getScheduledExecutorService());
        assertThat(first.getExecutorService()).isSameAs(second.getExecutorService());
        assertThat(threadNameOf(first.getScheduledExecutorService())).startsWith("gh-slack-plugin-tyrus-timers-");

        // Tyrus shuts down only the pools it created itself: closing a client leaves the shared ones running.
        first.shutdown();
        assertThat(threadNameOf(second.getScheduledExecutorService())).startsWith("gh-slack-plugin-tyrus-timers-");
    }

    @Test
    void withoutInstalledPoolsTyrusCreatesItsOwnAsItWouldWithoutThePlugin() throws Exception {
        ClientManager first = ClientManager.createClient();
        ClientManager second = ClientManager.createClient();
        try {
            assertThat(first.getScheduledExecutorService()).isNotSameAs(second.getScheduledExecutorService());
            assertThat(threadNameOf(first.getScheduledExecutorService())).startsWith("tyrus-");
        } finally {
            first.shutdown();
            second.shutdown();
        }
        assertThatThrownBy(() -> new InitialContext().lookup(TyrusPools.SCHEDULER))
                .isInstanceOf(NameNotFoundException.class).hasMessageContaining("not installed");
    }

    @Test
    void uninstallStopsTheSharedThreadsAndAnswersNoOtherName() throws Exception {
        TyrusPools.install(plugin);
        ScheduledExecutorService shared = (ScheduledExecutorService) new InitialContext().lookup(TyrusPools.SCHEDULER);
        assertThatThrownBy(() -> new InitialContext().lookup("java:comp/env/jdbc/anything"))
                .isInstanceOf(NameNotFoundException.class);

        TyrusPools.uninstall();

        assertThat(shared.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        assertThat(TyrusPools.installed()).isFalse();
    }

    private static String threadNameOf(ScheduledExecutorService pool) throws Exception {
        AtomicReference<String> name = new AtomicReference<>();
        pool.schedule(() -> name.set(Thread.currentThread().getName()), 0, TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS);
        return name.get();
    }
}
