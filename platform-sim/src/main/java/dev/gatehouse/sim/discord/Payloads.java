package dev.gatehouse.sim.discord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;

/**
 * Builds the JSON Discord sends: gateway frames, and the user, guild, channel, message and interaction
 * objects inside them. Field sets follow what JDA 6.5.0's handlers read (see the notes and JDA's
 * {@code EntityBuilder}); fields JDA requires are always present.
 */
final class Payloads {

    static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * Permissions of {@code @everyone} in simulated guilds: enough for a bot to read, send, reply,
     * react, embed, attach and delete others' messages, so JDA's local permission checks pass.
     */
    static final long EVERYONE_PERMISSIONS = 1L // CREATE_INSTANT_INVITE
            | 1L << 6   // ADD_REACTIONS
            | 1L << 10  // VIEW_CHANNEL
            | 1L << 11  // SEND_MESSAGES
            | 1L << 13  // MANAGE_MESSAGES
            | 1L << 14  // EMBED_LINKS
            | 1L << 15  // ATTACH_FILES
            | 1L << 16  // READ_MESSAGE_HISTORY
            | 1L << 17  // MENTION_EVERYONE
            | 1L << 18  // USE_EXTERNAL_EMOJIS
            | 1L << 31  // USE_APPLICATION_COMMANDS
            | 1L << 35  // CREATE_PUBLIC_THREADS
            | 1L << 38; // SEND_MESSAGES_IN_THREADS

    static final int MESSAGE_TYPE_DEFAULT = 0;
    static final int MESSAGE_TYPE_REPLY = 19;
    static final int INTERACTION_TYPE_COMPONENT = 3;
    static final int COMPONENT_TYPE_ACTION_ROW = 1;
    static final int COMPONENT_TYPE_BUTTON = 2;

    private Payloads() {
    }

    // ---- gateway frames -------------------------------------------------------------------------

    static String hello(Duration heartbeatInterval) {
        ObjectNode d = MAPPER.createObjectNode().put("heartbeat_interval", heartbeatInterval.toMillis());
        return frame(10, d, null, null);
    }

    static String heartbeatAck() {
        return frame(11, NullNode.getInstance(), null, null);
    }

    static String heartbeatRequest() {
        return frame(1, NullNode.getInstance(), null, null);
    }

    static String reconnect() {
        return frame(7, NullNode.getInstance(), null, null);
    }

    static String invalidSession(boolean resumable) {
        return frame(9, MAPPER.getNodeFactory().booleanNode(resumable), null, null);
    }

    static String dispatch(String type, long sequence, JsonNode data) {
        return frame(0, data == null ? NullNode.getInstance() : data, sequence, type);
    }

    private static String frame(int op, JsonNode d, Long sequence, String type) {
        ObjectNode frame = MAPPER.createObjectNode();
        frame.put("op", op);
        frame.set("d", d);
        if (sequence == null) {
            frame.putNull("s");
        } else {
            frame.put("s", sequence);
        }
        if (type == null) {
            frame.putNull("t");
        } else {
            frame.put("t", type);
        }
        return write(frame);
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree always serialises", e);
        }
    }

    // ---- session ----------------------------------------------------------------------------------

    /** READY: guilds are listed as unavailable; each follows as GUILD_CREATE, as Discord streams them. */
    static ObjectNode ready(SimBot bot, String sessionId, String resumeGatewayUrl, List<SimGuild> guilds) {
        ObjectNode d = MAPPER.createObjectNode();
        d.put("v", 10);
        d.set("user", selfUser(bot));
        ArrayNode unavailable = d.putArray("guilds");
        for (SimGuild guild : guilds) {
            unavailable.addObject().put("id", guild.id()).put("unavailable", true);
        }
        d.put("session_id", sessionId);
        d.put("session_type", "normal");
        d.put("resume_gateway_url", resumeGatewayUrl);
        d.putObject("application").put("id", bot.applicationId()).put("flags", 0);
        d.putArray("private_channels");
        d.putArray("presences");
        d.putArray("relationships");
        d.putArray("guild_join_requests");
        d.putArray("geo_ordered_rtc_regions");
        d.putObject("auth");
        d.putArray("shard").add(0).add(1);
        d.putArray("_trace").add("[\"gatehouse-sim-gateway\",{\"micros\":1}]");
        return d;
    }

    static ObjectNode resumed() {
        ObjectNode d = MAPPER.createObjectNode();
        d.putArray("_trace").add("[\"gatehouse-sim-resume\",{\"micros\":1}]");
        return d;
    }

    // ---- users, members ---------------------------------------------------------------------------

    /** The bot's own user, as in READY and {@code GET /users/@me}. */
    static ObjectNode selfUser(SimBot bot) {
        ObjectNode user = user(bot.asUser());
        user.put("verified", true);
        user.put("mfa_enabled", false);
        user.put("flags", 0);
        return user;
    }

    static ObjectNode user(SimUser user) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("id", user.id());
        node.put("username", user.username());
        node.put("discriminator", "0");
        node.put("global_name", user.bot() ? null : user.username());
        node.putNull("avatar");
        node.put("bot", user.bot());
        node.put("public_flags", 0);
        return node;
    }

    /** A guild member; {@code user} is included in GUILD_CREATE, reactions and interactions, not in MESSAGE_CREATE. */
    static ObjectNode member(SimUser user, boolean includeUser) {
        ObjectNode member = MAPPER.createObjectNode();
        if (includeUser) {
            member.set("user", user(user));
        }
        member.putArray("roles");
        member.put("joined_at", timestamp());
        member.putNull("nick");
        member.putNull("avatar");
        member.putNull("premium_since");
        member.putNull("communication_disabled_until");
        member.put("deaf", false);
        member.put("mute", false);
        member.put("pending", false);
        member.put("flags", 0);
        return member;
    }

    // ---- guilds, channels -------------------------------------------------------------------------

    static ObjectNode guildCreate(SimGuild guild, SimBot bot, Collection<SimUser> humans, String ownerId) {
        ObjectNode g = MAPPER.createObjectNode();
        g.put("id", guild.id());
        g.put("name", guild.name());
        g.putNull("icon");
        g.putNull("splash");
        g.putNull("banner");
        g.putNull("description");
        g.put("owner_id", ownerId);
        g.put("unavailable", false);
        g.put("large", false);
        g.put("member_count", 1 + humans.size());
        g.put("joined_at", timestamp());
        g.put("preferred_locale", "en-US");
        g.put("verification_level", 0);
        g.put("default_message_notifications", 0);
        g.put("explicit_content_filter", 0);
        g.put("mfa_level", 0);
        g.put("nsfw_level", 0);
        g.put("premium_tier", 0);
        g.put("premium_subscription_count", 0);
        g.put("system_channel_flags", 0);
        g.put("afk_timeout", 300);
        g.putArray("features");
        g.putArray("roles").add(everyoneRole(guild));
        ArrayNode channels = g.putArray("channels");
        for (int i = 0; i < guild.textChannels().size(); i++) {
            ObjectNode channel = guildChannel(guild.textChannels().get(i), i);
            channel.remove("guild_id"); // Discord omits it inside GUILD_CREATE
            channels.add(channel);
        }
        ArrayNode members = g.putArray("members");
        members.add(member(bot.asUser(), true));
        for (SimUser human : humans) {
            members.add(member(human, true));
        }
        g.putArray("threads");
        g.putArray("voice_states");
        g.putArray("presences");
        g.putArray("emojis");
        g.putArray("stickers");
        g.putArray("soundboard_sounds");
        g.putArray("stage_instances");
        g.putArray("guild_scheduled_events");
        return g;
    }

    private static ObjectNode everyoneRole(SimGuild guild) {
        ObjectNode role = MAPPER.createObjectNode();
        role.put("id", guild.id());
        role.put("name", "@everyone");
        role.put("permissions", Long.toString(EVERYONE_PERMISSIONS));
        role.put("position", 0);
        role.put("color", 0);
        role.putObject("colors").put("primary_color", 0);
        role.put("hoist", false);
        role.put("managed", false);
        role.put("mentionable", false);
        role.putNull("icon");
        role.putNull("unicode_emoji");
        role.put("flags", 0);
        return role;
    }

    static ObjectNode guildChannel(SimChannel channel, int position) {
        ObjectNode c = MAPPER.createObjectNode();
        c.put("id", channel.id());
        c.put("type", channel.type().code());
        c.put("guild_id", channel.guildId());
        c.put("name", channel.name());
        c.put("position", position);
        c.putArray("permission_overwrites");
        c.put("nsfw", false);
        c.putNull("topic");
        c.putNull("last_message_id");
        c.putNull("parent_id");
        c.put("rate_limit_per_user", 0);
        c.put("flags", 0);
        return c;
    }

    static ObjectNode dmChannel(SimChannel channel, SimUser recipient) {
        ObjectNode c = MAPPER.createObjectNode();
        c.put("id", channel.id());
        c.put("type", channel.type().code());
        c.putNull("last_message_id");
        c.put("flags", 0);
        c.putArray("recipients").add(user(recipient));
        return c;
    }

    // ---- messages ---------------------------------------------------------------------------------

    /** A message object; guild messages by non-bots carry a partial {@code member}, as on the gateway. */
    static ObjectNode message(String id, SimChannel channel, SimUser author, String content, List<SimUser> mentions) {
        ObjectNode m = MAPPER.createObjectNode();
        m.put("id", id);
        m.put("type", MESSAGE_TYPE_DEFAULT);
        m.put("channel_id", channel.id());
        if (channel.isGuildChannel()) {
            m.put("guild_id", channel.guildId());
            m.set("member", member(author, false));
        }
        m.set("author", user(author));
        m.put("content", content);
        m.put("timestamp", timestamp());
        m.putNull("edited_timestamp");
        m.put("tts", false);
        m.put("mention_everyone", false);
        ArrayNode mentionArray = m.putArray("mentions");
        for (SimUser mentioned : mentions) {
            mentionArray.add(user(mentioned));
        }
        m.putArray("mention_roles");
        m.putArray("attachments");
        m.putArray("embeds");
        m.putArray("components");
        m.put("pinned", false);
        m.put("flags", 0);
        return m;
    }

    /** A copy with what Discord withholds from a bot lacking the MESSAGE_CONTENT intent. */
    static ObjectNode withoutContent(ObjectNode message) {
        ObjectNode copy = message.deepCopy();
        copy.put("content", "");
        copy.putArray("embeds");
        copy.putArray("attachments");
        copy.putArray("components");
        return copy;
    }

    /** One action row holding one primary button, as a bot would have sent it. */
    static ArrayNode buttonRow(String customId) {
        ArrayNode rows = MAPPER.createArrayNode();
        ObjectNode row = rows.addObject();
        row.put("type", COMPONENT_TYPE_ACTION_ROW);
        row.put("id", 1);
        ObjectNode button = row.putArray("components").addObject();
        button.put("type", COMPONENT_TYPE_BUTTON);
        button.put("id", 2);
        button.put("style", 1);
        button.put("label", customId);
        button.put("custom_id", customId);
        return rows;
    }

    static ObjectNode reactionAdd(
            SimChannel channel, String messageId, SimUser user, String emoji, String messageAuthorId) {
        ObjectNode r = MAPPER.createObjectNode();
        r.put("user_id", user.id());
        r.put("channel_id", channel.id());
        r.put("message_id", messageId);
        if (channel.isGuildChannel()) {
            r.put("guild_id", channel.guildId());
            r.set("member", member(user, true));
        }
        if (messageAuthorId != null) {
            r.put("message_author_id", messageAuthorId);
        }
        r.set("emoji", emoji(emoji));
        r.put("burst", false);
        r.put("type", 0);
        return r;
    }

    /** A unicode emoji, or a custom one written {@code name:id}. */
    static ObjectNode emoji(String emoji) {
        ObjectNode e = MAPPER.createObjectNode();
        int colon = emoji.lastIndexOf(':');
        if (colon > 0 && emoji.substring(colon + 1).chars().allMatch(Character::isDigit) && colon < emoji.length() - 1) {
            e.put("id", emoji.substring(colon + 1));
            e.put("name", emoji.substring(0, colon));
        } else {
            e.putNull("id");
            e.put("name", emoji);
        }
        return e;
    }

    static ObjectNode messageDelete(SimChannel channel, String messageId) {
        ObjectNode d = MAPPER.createObjectNode();
        d.put("id", messageId);
        d.put("channel_id", channel.id());
        if (channel.isGuildChannel()) {
            d.put("guild_id", channel.guildId());
        }
        return d;
    }

    /** INTERACTION_CREATE for a button click on {@code message}, in a guild channel or a DM. */
    static ObjectNode buttonInteraction(
            String id, String token, SimBot bot, SimChannel channel, SimUser user, ObjectNode message,
            String customId) {
        ObjectNode i = MAPPER.createObjectNode();
        i.put("id", id);
        i.put("application_id", bot.applicationId());
        i.put("type", INTERACTION_TYPE_COMPONENT);
        i.put("token", token);
        i.put("version", 1);
        i.put("channel_id", channel.id());
        i.put("locale", "en-US");
        i.put("app_permissions", Long.toString(EVERYONE_PERMISSIONS));
        i.putArray("entitlements");
        i.put("attachment_size_limit", 10_485_760);
        ObjectNode owners = i.putObject("authorizing_integration_owners");
        if (channel.isGuildChannel()) {
            i.put("guild_id", channel.guildId());
            i.put("guild_locale", "en-US");
            i.putObject("guild").put("id", channel.guildId()).put("locale", "en-US").putArray("features");
            i.set("channel", guildChannel(channel, 0));
            ObjectNode member = member(user, true);
            member.put("permissions", Long.toString(EVERYONE_PERMISSIONS));
            i.set("member", member);
            owners.put("0", channel.guildId());
            i.put("context", 0);
        } else {
            i.set("channel", dmChannel(channel, user));
            i.set("user", user(user));
            owners.put("0", "0");
            i.put("context", 1);
        }
        i.putObject("data").put("custom_id", customId).put("component_type", COMPONENT_TYPE_BUTTON);
        i.set("message", message);
        return i;
    }

    static ObjectNode error(int code, String message) {
        return MAPPER.createObjectNode().put("message", message).put("code", code);
    }

    static String timestamp() {
        return OffsetDateTime.now(ZoneOffset.UTC).toString();
    }
}
