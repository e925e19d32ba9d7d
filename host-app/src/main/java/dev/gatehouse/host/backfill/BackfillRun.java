package dev.gatehouse.host.backfill;

import dev.gatehouse.api.GatewayException;
import dev.gatehouse.api.HistoryPage;
import dev.gatehouse.api.HistoryQuery;
import dev.gatehouse.api.MessageEvent;
import dev.gatehouse.api.RateLimitedException;
import dev.gatehouse.host.config.BackfillPolicy;
import dev.gatehouse.host.time.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One backfill of one connection: for each channel of the ledger (most recently active first, at most
 * {@link BackfillPolicy#maxChannels()}), reads the platform's history after the last handled message
 * (at most {@link BackfillPolicy#maxPages()} pages), drops what was already handled, and hands the rest
 * to the bot oldest first, one message after the other, before moving to the next channel.
 *
 * <p>Asynchronous: page fetches run on {@code calls} (they block on the network), rate-limit waits on
 * the {@link Scheduler} (fake time in tests), deliveries chain on the dispatcher's completions. All
 * mutable state is touched by one step at a time (each step starts the next), so it needs no lock.
 */
final class BackfillRun {

    private static final Logger log = LoggerFactory.getLogger(BackfillRun.class);

    /** Fetches one page (the host wraps the plugin's history with its class loader and log context). */
    @FunctionalInterface
    interface Pages {
        HistoryPage fetch(HistoryQuery query);
    }

    /** Where recovered messages go: the dispatcher, seen from here. */
    interface Sink {
        /** Whether an event with this id was already taken (handled, or being handled). */
        boolean alreadyTaken(String eventId);

        /** Hands the event over; completes when its handlers finished, exceptionally if it was refused. */
        CompletionStage<Void> deliver(MessageEvent event);

        /** A channel was read to its end and every new message of it handed over. */
        default void channelComplete(String channelId) {
        }
    }

    private final String subject;
    private final BackfillPolicy policy;
    private final Pages pages;
    private final Sink sink;
    private final Scheduler scheduler;
    private final Executor calls;
    private final Instant now;
    private final Instant gapStart;
    private final Iterator<Map.Entry<String, ChannelMark>> channels;
    private final CompletableFuture<BackfillResult> result = new CompletableFuture<>();
    /** Written by steps and by {@link #cancel}, from different threads. */
    private final List<String> shortfalls = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Set<String> seenIds = new HashSet<>();
    private Duration waited = Duration.ZERO;
    private int recovered;
    private int pagesRead;
    private int channelsRead;
    private volatile boolean cancelled;

    /**
     * @param marks the ledger's channels, most recently active first
     * @param now when the session came up (host clock)
     * @param gapStart when the gap began, or {@code null} if unknown (the window's coverage is then unproven)
     */
    BackfillRun(String subject, BackfillPolicy policy, Map<String, ChannelMark> marks, Instant now, Instant gapStart,
            Pages pages, Sink sink, Scheduler scheduler, Executor calls) {
        this.subject = subject;
        this.policy = policy;
        this.pages = pages;
        this.sink = sink;
        this.scheduler = scheduler;
        this.calls = calls;
        this.now = now;
        this.gapStart = gapStart;
        List<Map.Entry<String, ChannelMark>> visit = new ArrayList<>(marks.entrySet());
        if (visit.size() > policy.maxChannels()) {
            shortfalls.add((visit.size() - policy.maxChannels()) + " less active channel(s) beyond the bound of "
                    + policy.maxChannels() + " not read");
            visit = visit.subList(0, policy.maxChannels());
        }
        this.channels = visit.iterator();
    }

    /** Starts; the stage completes with what was recovered (never exceptionally). */
    CompletionStage<BackfillResult> start() {
        Instant cutoff = now.minus(policy.window());
        if (gapStart == null) {
            shortfalls.add("when the gap began is unknown");
        } else if (gapStart.isBefore(cutoff)) {
            shortfalls.add("the gap began " + gapStart + ", before the window of " + policy.window().toHours() + " h");
        }
        nextChannel();
        return result;
    }

    /** Stops after the current step; the result says so. */
    void cancel(String why) {
        if (!cancelled) {
            cancelled = true;
            shortfalls.add("stopped: " + why);
        }
    }

    private void nextChannel() {
        if (cancelled || !channels.hasNext()) {
            finish();
            return;
        }
        Map.Entry<String, ChannelMark> c = channels.next();
        channelsRead++;
        Instant cutoff = now.minus(policy.window());
        ChannelMark mark = c.getValue();
        // A channel quiet since before the window is read from the window's start: what came between was
        // not handled, but it is not part of a gap that began within the window either.
        boolean withinWindow = !mark.handledAt().isBefore(cutoff);
        Channel ch = new Channel(c.getKey(), withinWindow ? mark.lastMessageId() : null, cutoff);
        fetch(ch, null);
    }

    /** What is being read of one channel; touched by one step at a time. */
    private static final class Channel {
        final String id;
        final String afterId;
        final Instant since;
        final List<MessageEvent> found = new ArrayList<>();
        int pages;
        /** Set when something of this channel was not read or not taken. */
        boolean incomplete;

        Channel(String id, String afterId, Instant since) {
            this.id = id;
            this.afterId = afterId;
            this.since = since;
        }
    }

    private void fetch(Channel ch, String cursor) {
        if (cancelled) {
            finish();
            return;
        }
        HistoryQuery q = new HistoryQuery(ch.id, ch.afterId, ch.since, cursor, policy.pageSize());
        CompletableFuture<HistoryPage> page;
        try {
            page = CompletableFuture.supplyAsync(() -> pages.fetch(q), calls);
        } catch (RejectedExecutionException e) {
            cancel("the host is shutting down");
            finish();
            return;
        }
        page.whenComplete((p, err) -> {
            if (err != null) {
                failed(ch, cursor, err instanceof CompletionException && err.getCause() != null ? err.getCause() : err);
                return;
            }
            pagesRead++;
            ch.pages++;
            ch.found.addAll(p.messages());
            if (!p.hasMore()) {
                deliver(ch);
            } else if (ch.pages >= policy.maxPages()) {
                shortfalls.add("channel " + ch.id + ": more than " + policy.maxPages() + " page(s) of history");
                ch.incomplete = true;
                deliver(ch);
            } else {
                fetch(ch, p.nextCursor());
            }
        });
    }

    private void failed(Channel ch, String cursor, Throwable err) {
        if (err instanceof RateLimitedException r) {
            Duration next = waited.plus(r.retryAfter());
            if (next.compareTo(policy.maxRateLimitWait()) > 0) {
                cancel("rate limited by the platform; waiting another " + r.retryAfter().toMillis() + " ms would pass the bound of "
                        + policy.maxRateLimitWait().toSeconds() + " s (waited " + waited.toMillis() + " ms)");
                ch.incomplete = true;
                deliver(ch);
                return;
            }
            waited = next;
            log.info("{}: backfill of channel {} rate limited; retrying in {} ms", subject, ch.id, r.retryAfter().toMillis());
            scheduler.schedule(r.retryAfter(), () -> fetch(ch, cursor));
            return;
        }
        String why = err instanceof GatewayException ? err.getMessage() : err.toString();
        log.warn("{}: backfill of channel {} failed: {}", subject, ch.id, why);
        shortfalls.add("channel " + ch.id + ": " + why);
        ch.incomplete = true;
        deliver(ch);
    }

    /** Hands the channel's new messages to the bot, oldest first, then goes on with the next channel. */
    private void deliver(Channel ch) {
        List<MessageEvent> fresh = new ArrayList<>();
        for (MessageEvent m : ch.found) {
            if (m.channelId().equals(ch.id) && MessageIds.after(m.messageId(), ch.afterId) && seenIds.add(m.eventId())) {
                fresh.add(m);
            }
        }
        fresh.sort((a, b) -> MessageIds.ORDER.compare(a.messageId(), b.messageId()));
        deliverFrom(ch, fresh.iterator());
    }

    private void deliverFrom(Channel ch, Iterator<MessageEvent> it) {
        while (it.hasNext()) {
            MessageEvent m = it.next();
            if (sink.alreadyTaken(m.eventId())) {
                continue;
            }
            sink.deliver(m.asBackfilled()).whenComplete((v, err) -> {
                if (err != null) {
                    shortfalls.add("message " + m.messageId() + " in " + m.channelId() + " refused: " + err.getMessage());
                    ch.incomplete = true;
                } else {
                    recovered++;
                }
                deliverFrom(ch, it);
            });
            return;
        }
        if (!ch.incomplete && !cancelled) {
            sink.channelComplete(ch.id);
        }
        nextChannel();
    }

    private void finish() {
        if (result.isDone()) {
            return;
        }
        String detail = channelsRead + " channel(s), " + pagesRead + " page(s), " + recovered + " recovered"
                + (waited.isZero() ? "" : ", " + waited.toMillis() + " ms waited for rate limits")
                + (shortfalls.isEmpty() ? "" : "; not complete: " + String.join("; ", shortfalls));
        result.complete(new BackfillResult(recovered, shortfalls.isEmpty(), detail));
    }
}
