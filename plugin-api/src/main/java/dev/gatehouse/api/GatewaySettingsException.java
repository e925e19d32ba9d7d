package dev.gatehouse.api;

/**
 * A setting is missing or malformed. The message starts with the full key path (for example
 * {@code workspaces.acme.slack.appToken}) and says what to do; it never contains a secret value.
 */
public class GatewaySettingsException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** The full path of the offending key; part of the serialized form. */
    private final String keyPath;

    /**
     * Creates an exception.
     *
     * @param keyPath the full path of the offending key
     * @param problem what is wrong and how to fix it
     */
    public GatewaySettingsException(String keyPath, String problem) {
        super(keyPath + ": " + problem);
        this.keyPath = keyPath;
    }

    /**
     * The full path of the offending key.
     *
     * @return the key path
     */
    public String keyPath() {
        return keyPath;
    }
}
