package dev.gatehouse.host.events;

import dev.gatehouse.api.InboundEvent;

/**
 * The embedding application's handler for inbound events. Called once per platform event (redeliveries
 * are deduplicated), on host threads, in order per channel. A slow handler delays only later events of
 * the same channel; a throwing one is logged and never delays an acknowledgement.
 */
@FunctionalInterface
public interface InboundHandler {

    /**
     * Handles one event.
     *
     * @param workspace the workspace it arrived for
     * @param platform the platform key
     * @param event the event
     * @throws Exception anything; it is logged with the event id
     */
    void onEvent(String workspace, String platform, InboundEvent event) throws Exception;
}
