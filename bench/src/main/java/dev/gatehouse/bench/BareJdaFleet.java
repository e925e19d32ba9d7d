package dev.gatehouse.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** Bare JDA instances, one per Discord bot; each is connected once JDA's status is CONNECTED. */
final class BareJdaFleet implements Fleet {

    private final ScaleAccounts accounts;
    private final List<BareJda> clients = new ArrayList<>();

    BareJdaFleet(ScaleAccounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public void warmUp() {
        BareJda warm = start(accounts.discordWarmUp());
        try {
            Poll.require(Duration.ofSeconds(60), "the warm-up JDA to connect", warm::connected);
        } finally {
            warm.close();
        }
    }

    @Override
    public void growTo(int n) throws Exception {
        List<Callable<BareJda>> starts = new ArrayList<>();
        for (int i = clients.size(); i < n; i++) {
            String token = accounts.discord().get(i);
            starts.add(() -> start(token));
        }
        clients.addAll(Parallel.startAll(starts, 4));
    }

    private BareJda start(String token) {
        return BareJda.start(accounts.discordRestUrl(), accounts.discordGatewayUrl(), token, new Arrivals());
    }

    @Override
    public int connected() {
        return (int) clients.stream().filter(BareJda::connected).count();
    }

    @Override
    public void close() {
        Parallel.closeAll(clients);
    }
}
