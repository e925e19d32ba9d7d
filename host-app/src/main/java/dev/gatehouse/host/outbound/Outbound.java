package dev.gatehouse.host.outbound;

import java.util.Objects;

/** A message operation the embedding application asks a connection to perform. */
public sealed interface Outbound permits Outbound.Post, Outbound.Reply, Outbound.Edit, Outbound.Delete, Outbound.React {

    /** @return the channel it concerns; operations on one channel run in order */
    String channelId();

    /** Post to a channel; completes with the new message's id. */
    record Post(String channelId, String text) implements Outbound {
        public Post {
            Objects.requireNonNull(channelId, "channelId");
            Objects.requireNonNull(text, "text");
        }
    }

    /** Reply in a thread; completes with the new message's id. */
    record Reply(String channelId, String threadId, String text) implements Outbound {
        public Reply {
            Objects.requireNonNull(channelId, "channelId");
            Objects.requireNonNull(threadId, "threadId");
            Objects.requireNonNull(text, "text");
        }
    }

    /** Edit a message; completes with its id. */
    record Edit(String channelId, String messageId, String text) implements Outbound {
        public Edit {
            Objects.requireNonNull(channelId, "channelId");
            Objects.requireNonNull(messageId, "messageId");
            Objects.requireNonNull(text, "text");
        }
    }

    /** Delete a message; completes with its id. */
    record Delete(String channelId, String messageId) implements Outbound {
        public Delete {
            Objects.requireNonNull(channelId, "channelId");
            Objects.requireNonNull(messageId, "messageId");
        }
    }

    /** Add a reaction; completes with the message's id. */
    record React(String channelId, String messageId, String emoji) implements Outbound {
        public React {
            Objects.requireNonNull(channelId, "channelId");
            Objects.requireNonNull(messageId, "messageId");
            Objects.requireNonNull(emoji, "emoji");
        }
    }
}
