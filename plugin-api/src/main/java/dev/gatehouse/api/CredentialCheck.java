package dev.gatehouse.api;

import java.util.Objects;

/**
 * What the platform said about one workspace's credentials, from {@link Gateway#checkCredentials}: accepted,
 * refused (with what is wrong and how to fix it), or not checked because the plugin cannot check them.
 * Texts are shown to operators as they are, so they must name settings by key path and never contain a
 * secret's value.
 */
public final class CredentialCheck {

    /** The three answers a check can give. */
    public enum Outcome {
        /** The platform accepted every credential. */
        OK,
        /** The platform refused a credential, or could not be asked (see {@link #problem()}). */
        FAILED,
        /** The plugin does not implement the check; nothing was asked. */
        NOT_SUPPORTED
    }

    private final Outcome outcome;
    private final String detail;
    private final String fix;

    private CredentialCheck(Outcome outcome, String detail, String fix) {
        this.outcome = Objects.requireNonNull(outcome, "outcome");
        this.detail = Objects.requireNonNull(detail, "detail");
        this.fix = fix;
    }

    /**
     * The platform accepted the credentials.
     *
     * @param detail what was confirmed, e.g. {@code "bot U123 in team T9"}; no secret
     * @return the result
     */
    public static CredentialCheck ok(String detail) {
        return new CredentialCheck(Outcome.OK, detail, null);
    }

    /**
     * The platform refused a credential, or did not answer.
     *
     * @param problem what is wrong, naming the setting by key path, never its value
     * @param fix what the operator should do
     * @return the result
     */
    public static CredentialCheck failed(String problem, String fix) {
        return new CredentialCheck(Outcome.FAILED, problem, Objects.requireNonNull(fix, "fix"));
    }

    /**
     * The plugin cannot check credentials without connecting; the default of {@link Gateway#checkCredentials}.
     *
     * @return the result
     */
    public static CredentialCheck notSupported() {
        return new CredentialCheck(Outcome.NOT_SUPPORTED, "this plugin cannot check credentials without connecting", null);
    }

    /**
     * The outcome.
     *
     * @return OK, FAILED or NOT_SUPPORTED
     */
    public Outcome outcome() {
        return outcome;
    }

    /**
     * What was confirmed (OK), what is wrong (FAILED), or why nothing was checked (NOT_SUPPORTED).
     *
     * @return the text, never {@code null}
     */
    public String problem() {
        return detail;
    }

    /**
     * What the operator should do about a failure.
     *
     * @return the fix, or {@code null} unless {@link #outcome()} is FAILED
     */
    public String fix() {
        return fix;
    }

    @Override
    public String toString() {
        return "CredentialCheck[" + outcome + ": " + detail + (fix == null ? "" : "; fix: " + fix) + "]";
    }
}
