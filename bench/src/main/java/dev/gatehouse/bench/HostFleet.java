package dev.gatehouse.bench;

import dev.gatehouse.host.config.HealthPolicy;
import dev.gatehouse.host.status.ConnectionState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Workspaces of one platform — or of both, N Slack workspaces and N Discord bots side by side — in one
 * Gatehouse host (production policy), grown by applying a configuration with more workspaces, as an
 * operator would edit the file.
 */
final class HostFleet implements Fleet {

    private final String platform;
    private final ScaleAccounts accounts;
    private final HostRig rig;

    HostFleet(String platform, ScaleAccounts accounts, Dist dist, Path work) throws Exception {
        this.platform = platform;
        this.accounts = accounts;
        Path dir = Files.createDirectories(work.resolve("host-" + platform));
        this.rig = HostRig.start(dir, dist.pluginsFolder(dir, !platform.equals("discord"), !platform.equals("slack")),
                HealthPolicy.defaults(), List.of(), (ws, p, e) -> { });
    }

    @Override
    public void warmUp() throws Exception {
        List<HostRig.Workspace> w = new ArrayList<>();
        if (!platform.equals("discord")) {
            w.add(HostRig.Workspace.slack("warmup", accounts.slackWarmUp().appToken(), accounts.slackWarmUp().botToken(),
                    accounts.slackApiUrl(), true));
        }
        if (!platform.equals("slack")) {
            w.add(HostRig.Workspace.discord("warmup", accounts.discordWarmUp(), accounts.discordRestUrl(),
                    accounts.discordGatewayUrl()));
        }
        rig.apply(w);
        rig.awaitAllConnected(Duration.ofSeconds(60));
        rig.apply(List.of());
        Poll.require(Duration.ofSeconds(60), "the warm-up connection to close", () -> rig.host().status().connections().isEmpty());
    }

    @Override
    public void growTo(int n) throws Exception {
        List<HostRig.Workspace> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = String.format(Locale.ROOT, "w%04d", i);
            if (!platform.equals("discord")) {
                all.add(HostRig.Workspace.slack(id, accounts.slack().get(i).appToken(), accounts.slack().get(i).botToken(),
                        accounts.slackApiUrl(), true));
            }
            if (!platform.equals("slack")) {
                all.add(HostRig.Workspace.discord(id, accounts.discord().get(i), accounts.discordRestUrl(),
                        accounts.discordGatewayUrl()));
            }
        }
        rig.apply(all);
    }

    @Override
    public int clientsAt(int n) {
        return platform.equals("both") ? 2 * n : n;
    }

    @Override
    public int connected() {
        return (int) rig.host().status().connections().stream().filter(c -> c.state() == ConnectionState.CONNECTED).count();
    }

    @Override
    public void close() {
        rig.close();
    }
}
