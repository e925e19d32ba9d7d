package dev.gatehouse.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** Bare Bolt Socket Mode apps, one per Slack app; each is connected once its start returned (Tyrus). */
final class BareSlackFleet implements Fleet {

    private final ScaleAccounts accounts;
    private final List<BareSlack> clients = new ArrayList<>();

    BareSlackFleet(ScaleAccounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public void warmUp() throws Exception {
        BareSlack.start(accounts.slackApiUrl(), accounts.slackWarmUp().appToken(), accounts.slackWarmUp().botToken(),
                new Arrivals()).close();
    }

    @Override
    public void growTo(int n) throws Exception {
        List<Callable<BareSlack>> starts = new ArrayList<>();
        for (int i = clients.size(); i < n; i++) {
            ScaleAccounts.SlackTokens t = accounts.slack().get(i);
            starts.add(() -> BareSlack.start(accounts.slackApiUrl(), t.appToken(), t.botToken(), new Arrivals()));
        }
        clients.addAll(Parallel.startAll(starts, 4));
    }

    @Override
    public int connected() {
        return clients.size();
    }

    @Override
    public void close() {
        Parallel.closeAll(clients);
    }
}
