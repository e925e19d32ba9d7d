package dev.gatehouse.sim.discord;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

/**
 * The simulated Discord's data: users, guilds, channels, messages and open interactions. Shared by the
 * gateway (which announces it) and REST (which checks requests against it). Messages and interactions
 * are kept in bounded insertion-ordered maps so long benchmarks do not grow without limit.
 */
final class SimWorld {

    /** Messages kept by default: ample for tests, about 250 MiB of JSON trees when full. */
    static final int MAX_MESSAGES = 100_000;
    static final int MAX_INTERACTIONS = 10_000;

    /** An interaction Discord expects the bot to answer once. */
    static final class Interaction {
        final String id;
        final String token;
        final SimBot bot;
        final SimChannel channel;
        final AtomicBoolean acknowledged = new AtomicBoolean();
        /** The message a callback or {@code @original} edit created; written by REST workers. */
        volatile String originalMessageId;

        Interaction(String id, String token, SimBot bot, SimChannel channel) {
            this.id = id;
            this.token = token;
            this.bot = bot;
            this.channel = channel;
        }
    }

    private final Snowflakes ids = new Snowflakes();
    private final Map<String, SimUser> users = new ConcurrentHashMap<>();
    private final List<SimGuild> guilds = new CopyOnWriteArrayList<>();
    private final Map<String, SimChannel> channels = new ConcurrentHashMap<>();
    /** DM channels by "botUserId:userId". */
    private final Map<String, SimChannel> dmChannels = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> messages;
    private final Map<String, Interaction> interactionsById = boundedMap(MAX_INTERACTIONS);
    private final Map<String, Interaction> interactionsByToken = boundedMap(MAX_INTERACTIONS);

    /** @param maxMessages messages kept (the oldest go first) */
    SimWorld(int maxMessages) {
        this.messages = boundedMap(maxMessages);
    }

    private static <V> Map<String, V> boundedMap(int capacity) {
        return Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > capacity;
            }
        });
    }

    String nextId() {
        return ids.next();
    }

    SimUser createUser(String username, boolean bot) {
        SimUser user = new SimUser(nextId(), username, bot);
        users.put(user.id(), user);
        return user;
    }

    Optional<SimUser> user(String id) {
        return Optional.ofNullable(users.get(id));
    }

    List<SimUser> humans() {
        return users.values().stream().filter(u -> !u.bot()).toList();
    }

    SimGuild createGuild(String name, List<String> channelNames) {
        String guildId = nextId();
        List<SimChannel> textChannels = channelNames.stream()
                .map(channelName -> new SimChannel(nextId(), SimChannel.Type.GUILD_TEXT, channelName, guildId, null))
                .toList();
        SimGuild guild = new SimGuild(guildId, name, textChannels);
        textChannels.forEach(c -> channels.put(c.id(), c));
        guilds.add(guild);
        return guild;
    }

    List<SimGuild> guilds() {
        return List.copyOf(guilds);
    }

    Optional<SimChannel> channel(String id) {
        return Optional.ofNullable(channels.get(id));
    }

    /** The DM channel between a bot and a user, created on first use with a stable id. */
    SimChannel dmChannel(SimBot bot, SimUser user) {
        return dmChannels.computeIfAbsent(bot.userId() + ":" + user.id(), key -> {
            SimChannel dm = new SimChannel(nextId(), SimChannel.Type.DM, "", null, user.id());
            channels.put(dm.id(), dm);
            return dm;
        });
    }

    /** Stores a message; the node must not be mutated afterwards (edits replace it). */
    void putMessage(ObjectNode message) {
        messages.put(message.get("id").asText(), message);
    }

    /** A copy of the stored message, free to modify. */
    Optional<ObjectNode> message(String id) {
        return Optional.ofNullable(messages.get(id)).map(ObjectNode::deepCopy);
    }

    /** Replaces a stored message with an edited copy; empty if it does not exist. */
    Optional<ObjectNode> editMessage(String id, UnaryOperator<ObjectNode> edit) {
        synchronized (messages) {
            ObjectNode current = messages.get(id);
            if (current == null) {
                return Optional.empty();
            }
            ObjectNode edited = edit.apply(current.deepCopy());
            messages.put(id, edited);
            return Optional.of(edited.deepCopy());
        }
    }

    /** Copies of the stored messages of one channel, in no particular order. */
    List<ObjectNode> messagesIn(String channelId) {
        synchronized (messages) {
            return messages.values().stream().filter(m -> m.path("channel_id").asText().equals(channelId))
                    .map(ObjectNode::deepCopy).toList();
        }
    }

    boolean deleteMessage(String id) {
        return messages.remove(id) != null;
    }

    Interaction openInteraction(SimBot bot, SimChannel channel) {
        Interaction interaction = new Interaction(nextId(), "sim-interaction-" + nextId(), bot, channel);
        interactionsById.put(interaction.id, interaction);
        interactionsByToken.put(interaction.token, interaction);
        return interaction;
    }

    Optional<Interaction> interaction(String id, String token) {
        return Optional.ofNullable(interactionsById.get(id)).filter(i -> i.token.equals(token));
    }

    Optional<Interaction> interactionByToken(String token) {
        return Optional.ofNullable(interactionsByToken.get(token));
    }
}
