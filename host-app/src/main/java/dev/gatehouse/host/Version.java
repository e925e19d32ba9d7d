package dev.gatehouse.host;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The host's version and the plugin-API version it implements (PF4J's system version). */
public final class Version {

    /** The plugin-API version; plugins' {@code Plugin-Requires} is checked against it. */
    public static final String API;
    /** The host build's version. */
    public static final String HOST;

    static {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/gatehouse-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
        API = p.getProperty("api.version", "1.0.0");
        HOST = p.getProperty("version", "1.0.0");
    }

    private Version() {
    }
}
