package dev.gatehouse.sim.slack;

import static dev.gatehouse.sim.slack.SlackEvents.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/** The Socket Mode wire messages, in the shapes Slack sends (see the team's Socket Mode note, §10). */
final class Envelopes {
    private static final String HOST = "applink-sim";

    private Envelopes() {
    }

    static String hello(String appId, int numConnections) {
        ObjectNode hello = JSON.createObjectNode();
        hello.put("type", "hello");
        hello.put("num_connections", numConnections);
        ObjectNode debug = hello.putObject("debug_info");
        debug.put("host", HOST);
        debug.put("build_number", 1);
        debug.put("approximate_connection_time", 18060);
        hello.putObject("connection_info").put("app_id", appId);
        return hello.toString();
    }

    static String disconnect(DisconnectReason reason) {
        ObjectNode message = JSON.createObjectNode();
        message.put("type", "disconnect");
        message.put("reason", reason.wireName());
        message.putObject("debug_info").put("host", HOST);
        return message.toString();
    }

    /** The {@code event_callback} payload wrapping {@code event}. */
    static ObjectNode eventCallback(SimSlackApp app, JsonNode event, String eventId, long eventTimeSeconds) {
        ObjectNode payload = JSON.createObjectNode();
        payload.put("token", "sim-verification-token");
        payload.put("team_id", app.teamId());
        payload.put("api_app_id", app.appId());
        payload.set("event", event);
        payload.put("type", "event_callback");
        payload.put("event_id", eventId);
        payload.put("event_time", eventTimeSeconds);
        ObjectNode authorization = payload.putArray("authorizations").addObject();
        authorization.putNull("enterprise_id");
        authorization.put("team_id", app.teamId());
        authorization.put("user_id", app.botUserId());
        authorization.put("is_bot", true);
        authorization.put("is_enterprise_install", false);
        payload.put("is_ext_shared_channel", false);
        return payload;
    }

    /** A {@code block_actions} payload for a click on a button in a message the bot posted. */
    static ObjectNode blockAction(SimSlackApp app, String channel, String user, String actionId, String value) {
        String messageTs = SlackEvents.nextTs();
        ObjectNode payload = JSON.createObjectNode();
        payload.put("type", "block_actions");
        ObjectNode userNode = payload.putObject("user");
        userNode.put("id", user);
        userNode.put("username", "sim-user");
        userNode.put("name", "sim-user");
        userNode.put("team_id", app.teamId());
        payload.put("api_app_id", app.appId());
        payload.put("token", "sim-verification-token");
        ObjectNode container = payload.putObject("container");
        container.put("type", "message");
        container.put("message_ts", messageTs);
        container.put("channel_id", channel);
        container.put("is_ephemeral", false);
        payload.put("trigger_id", "sim." + messageTs);
        ObjectNode team = payload.putObject("team");
        team.put("id", app.teamId());
        team.put("domain", domain(app));
        ObjectNode channelNode = payload.putObject("channel");
        channelNode.put("id", channel);
        channelNode.put("name", channel.toLowerCase(Locale.ROOT));
        ObjectNode message = payload.putObject("message");
        message.put("type", "message");
        message.put("bot_id", app.botId());
        message.put("user", app.botUserId());
        message.put("text", "This content can't be displayed.");
        message.put("ts", messageTs);
        message.put("team", app.teamId());
        ObjectNode block = message.putArray("blocks").addObject();
        block.put("type", "actions");
        block.put("block_id", "sim-block");
        ObjectNode button = block.putArray("elements").addObject();
        button.put("type", "button");
        button.put("action_id", actionId);
        button.set("text", buttonText());
        button.put("value", value);
        payload.put("response_url", "https://hooks.slack.com/actions/" + app.teamId() + "/sim/" + messageTs);
        ObjectNode action = payload.putArray("actions").addObject();
        action.put("action_id", actionId);
        action.put("block_id", "sim-block");
        action.set("text", buttonText());
        action.put("value", value);
        action.put("type", "button");
        action.put("action_ts", SlackEvents.nextTs());
        return payload;
    }

    /** A slash command payload: the form fields of an HTTP slash command, as JSON strings. */
    static ObjectNode slashCommand(SimSlackApp app, String channel, String user, String command, String text) {
        String triggerTs = SlackEvents.nextTs();
        ObjectNode payload = JSON.createObjectNode();
        payload.put("token", "sim-verification-token");
        payload.put("team_id", app.teamId());
        payload.put("team_domain", domain(app));
        payload.put("channel_id", channel);
        payload.put("channel_name", channel.toLowerCase(Locale.ROOT));
        payload.put("user_id", user);
        payload.put("user_name", "sim-user");
        payload.put("command", command);
        payload.put("text", text);
        payload.put("api_app_id", app.appId());
        payload.put("is_enterprise_install", "false");
        payload.put("response_url", "https://hooks.slack.com/commands/" + app.teamId() + "/sim/" + triggerTs);
        payload.put("trigger_id", "sim." + triggerTs);
        return payload;
    }

    static String envelope(EnvelopeType type, String envelopeId, JsonNode payload, int retryAttempt,
                           String retryReason) {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.put("envelope_id", envelopeId);
        envelope.set("payload", payload);
        envelope.put("type", type.wireName());
        envelope.put("accepts_response_payload", type == EnvelopeType.SLASH_COMMANDS);
        if (type == EnvelopeType.EVENTS_API) {
            envelope.put("retry_attempt", retryAttempt);
            envelope.put("retry_reason", retryReason);
        }
        return envelope.toString();
    }

    static String domain(SimSlackApp app) {
        return app.teamName().toLowerCase(Locale.ROOT).replace(' ', '-');
    }

    private static ObjectNode buttonText() {
        ObjectNode text = JSON.createObjectNode();
        text.put("type", "plain_text");
        text.put("text", "Click Me!");
        text.put("emoji", true);
        return text;
    }
}
