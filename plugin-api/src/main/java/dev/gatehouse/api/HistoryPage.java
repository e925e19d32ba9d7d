package dev.gatehouse.api;

import java.util.List;
import java.util.Objects;

/**
 * One page of a channel's history.
 *
 * @param messages people's messages of the page, in any order
 * @param nextCursor what to pass as {@link HistoryQuery#cursor()} for the next page, or {@code null} if
 *     this was the last one
 */
public record HistoryPage(List<MessageEvent> messages, String nextCursor) {

    /**
     * Copies the list.
     *
     * @param messages see the record description
     * @param nextCursor see the record description
     */
    public HistoryPage {
        messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
    }

    /**
     * Whether more pages follow.
     *
     * @return {@code true} if {@link #nextCursor()} is set
     */
    public boolean hasMore() {
        return nextCursor != null;
    }
}
