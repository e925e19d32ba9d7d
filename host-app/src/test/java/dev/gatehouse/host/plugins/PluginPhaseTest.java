package dev.gatehouse.host.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The plugin lifecycle's edges are data; every other edge is refused by name. */
class PluginPhaseTest {

    @Test
    void aPluginGoesThroughLoadingStartingStartedStoppingToUnloaded() {
        assertThat(PluginPhase.LOADING.to("p", PluginPhase.STARTING)).isEqualTo(PluginPhase.STARTING);
        assertThat(PluginPhase.STARTING.to("p", PluginPhase.STARTED)).isEqualTo(PluginPhase.STARTED);
        assertThat(PluginPhase.STARTED.to("p", PluginPhase.STOPPING)).isEqualTo(PluginPhase.STOPPING);
        assertThat(PluginPhase.STOPPING.to("p", PluginPhase.UNLOADED)).isEqualTo(PluginPhase.UNLOADED);
    }

    @Test
    void aNewVersionIsStagedThenPromotedWhileTheOldOneDrains() {
        assertThat(PluginPhase.STARTING.to("p", PluginPhase.STAGED)).isEqualTo(PluginPhase.STAGED);
        assertThat(PluginPhase.STAGED.to("p", PluginPhase.STARTED)).isEqualTo(PluginPhase.STARTED);
        assertThat(PluginPhase.STARTED.to("p", PluginPhase.DRAINING)).isEqualTo(PluginPhase.DRAINING);
        assertThat(PluginPhase.DRAINING.to("p", PluginPhase.STOPPING)).isEqualTo(PluginPhase.STOPPING);
        assertThat(PluginPhase.STAGED.to("p", PluginPhase.STOPPING)).as("a staged version that did not take over")
                .isEqualTo(PluginPhase.STOPPING);
        assertThatThrownBy(() -> PluginPhase.DRAINING.to("p", PluginPhase.STARTED)).hasMessageContaining("DRAINING -> STARTED");
    }

    @Test
    void onlyAPluginThatHasNotStartedCanBeRejected() {
        Set<PluginPhase> canReject = EnumSet.noneOf(PluginPhase.class);
        for (PluginPhase p : PluginPhase.values()) {
            if (p.canGo(PluginPhase.REJECTED)) {
                canReject.add(p);
            }
        }
        assertThat(canReject).containsExactlyInAnyOrder(PluginPhase.LOADING, PluginPhase.STARTING);
    }

    @Test
    void anIllegalEdgeNamesThePluginAndBothPhases() {
        assertThatThrownBy(() -> PluginPhase.STARTED.to("slack-gateway", PluginPhase.STARTING))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("plugin slack-gateway: illegal transition STARTED -> STARTING");
        assertThatThrownBy(() -> PluginPhase.UNLOADED.to("x", PluginPhase.STARTED)).hasMessageContaining("UNLOADED -> STARTED");
    }

    @Test
    void unloadedAndRejectedAreTerminal() {
        for (PluginPhase p : PluginPhase.values()) {
            assertThat(p.isTerminal()).as(p.name()).isEqualTo(p == PluginPhase.UNLOADED || p == PluginPhase.REJECTED);
        }
    }
}
