package dev.gatehouse.discord;

import dev.gatehouse.api.GatewayExecutors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The JDA pools that all of the plugin's bots share, as JDA's own shard manager shares them between
 * shards: the REST rate-limit scheduler, the REST worker pool and the callback pool. Each is work of a
 * few microseconds per REST call and none of them decides anything about a socket, so one set serves
 * every bot; sharing them removed three threads per Discord connection (benchmark section 4).
 *
 * <p>What stays per connection: the gateway pool (heartbeats, and JDA reads its shutdown as "do not
 * reconnect"), the event pool (one thread keeps each bot's events in gateway order), the session
 * controller's connect scheduler and the zombie watch, so that one bot's trouble cannot delay another
 * bot's heartbeat or detection.
 *
 * <p>Created on the plugin's executors: the host shuts them down when the plugin stops, after every
 * connection closed. JDA is told not to shut them down itself.
 */
record SharedPools(ScheduledExecutorService rateLimitScheduler, ExecutorService rest, ExecutorService callbacks) {

    static final int REST_THREADS = 2;

    static SharedPools on(GatewayExecutors plugin) {
        return new SharedPools(plugin.newScheduler("jda-ratelimit", 1), plugin.newExecutor("jda-rest", REST_THREADS),
                plugin.newExecutor("jda-callback", 1));
    }
}
