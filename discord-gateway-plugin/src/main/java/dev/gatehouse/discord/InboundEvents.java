package dev.gatehouse.discord;

import dev.gatehouse.api.ButtonClickEvent;
import dev.gatehouse.api.InboundEvent;
import dev.gatehouse.api.MessageDeletedEvent;
import dev.gatehouse.api.MessageEvent;
import dev.gatehouse.api.ReactionAddedEvent;
import java.util.Optional;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.MessageReference;
import net.dv8tion.jda.api.entities.User;
import net.dv8tion.jda.api.events.GenericEvent;
import net.dv8tion.jda.api.events.interaction.component.ButtonInteractionEvent;
import net.dv8tion.jda.api.events.message.MessageDeleteEvent;
import net.dv8tion.jda.api.events.message.MessageReceivedEvent;
import net.dv8tion.jda.api.events.message.react.MessageReactionAddEvent;

/**
 * Translates JDA's dispatch events into the plugin API's records. Event ids are derived from the
 * dispatch type and the object ids only, so the same dispatch replayed after a RESUME (or delivered
 * twice for any other reason) carries the same id and the host's dedupe drops the copy. Pure: no I/O.
 */
final class InboundEvents {

    private InboundEvents() {
    }

    /** @return the record for an event the bot's handlers care about, or empty */
    static Optional<InboundEvent> translate(GenericEvent event) {
        if (event instanceof MessageReceivedEvent e) {
            return message(e);
        }
        if (event instanceof ButtonInteractionEvent e) {
            return Optional.of(new ButtonClickEvent("interaction:" + e.getId(), e.getChannelId(), e.getMessageId(),
                    e.getUser().getId(), e.getComponentId(), null));
        }
        if (event instanceof MessageReactionAddEvent e) {
            return reaction(e);
        }
        if (event instanceof MessageDeleteEvent e) {
            String channelId = e.getChannel().getId();
            return Optional.of(new MessageDeletedEvent("delete:" + channelId + ":" + e.getMessageId(), channelId,
                    e.getMessageId()));
        }
        return Optional.empty();
    }

    /** People's messages only: the bot's own and other bots' (webhooks included) are skipped. */
    private static Optional<InboundEvent> message(MessageReceivedEvent e) {
        Message m = e.getMessage();
        User author = m.getAuthor();
        User self = e.getJDA().getSelfUser();
        if (author.isBot() || author.getIdLong() == self.getIdLong()) {
            return Optional.empty();
        }
        MessageReference ref = m.getMessageReference();
        return Optional.of(new MessageEvent("message:" + m.getId(), m.getChannelId(), m.getId(),
                ref == null ? null : ref.getMessageId(), author.getId(), m.getContentRaw(),
                m.getMentions().isMentioned(self, Message.MentionType.USER), !m.isFromGuild()));
    }

    /**
     * A reaction carries no id of its own; (channel, message, user, emoji) names it. Removing and adding
     * the same reaction again within the host's dedupe window therefore counts once.
     */
    private static Optional<InboundEvent> reaction(MessageReactionAddEvent e) {
        User user = e.getUser();
        if (e.getUserIdLong() == e.getJDA().getSelfUser().getIdLong() || user != null && user.isBot()) {
            return Optional.empty();
        }
        String channelId = e.getChannel().getId();
        String emoji = e.getEmoji().getName();
        return Optional.of(new ReactionAddedEvent("reaction:" + channelId + ":" + e.getMessageId() + ":"
                + e.getUserId() + ":" + emoji, channelId, e.getMessageId(), e.getUserId(), emoji));
    }
}
