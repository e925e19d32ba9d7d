package dev.gatehouse.tck;

/** The rules of the plugin contract the kit checks, each with where it is written down. */
enum Rule {
    CONNECTED("markConnected after open", "GatewayHealth#markConnected, Gateway#open"),
    DISCONNECTED_ONCE("markDisconnected once per socket loss", "GatewayHealth#markDisconnected"),
    REVOKED("nothing through a revoked handle", "GatewayConnection#close: no client of it may reconnect or acknowledge"),
    CLOSE("close idempotent and bounded", "GatewayConnection#close, GatewayContext#closeTimeout"),
    THREADS("no thread leak after close", "GatewayExecutors, GatewayConnection#close"),
    CLASS_LOADER("no class-loader leak after unload", "PluginContext, GatewayConnection#close"),
    ACK("no event acknowledged before the sink's stage completes", "InboundSink#deliver"),
    SECRETS("secrets absent from every message", "Gateway#secretKeys, GatewayHealth#markDisconnected");

    private final String title;
    private final String reference;

    Rule(String title, String reference) {
        this.title = title;
        this.reference = reference;
    }

    /** The failure text: which rule, what the plugin did, what to change. */
    String broken(String what, String fix) {
        return "Rule '" + title + "' broken (see " + reference + "): " + what + ". Fix: " + fix + ".";
    }
}
