package dev.gatehouse.api;

import java.util.Objects;

/**
 * What the platform said about one workspace's credentials, from {@link Gateway#checkCredentials}: accepted,
 * refused or unanswered (with what is wrong and how to fix it), or not checked because the plugin cannot
 * check them. A final class with factories rather than a record, so that it can grow compatibly.
 * Texts are shown to operators as they are, so they must name settings by key path and never contain a
 * secret's value.
 */
public final class CredentialCheck {

    private final boolean checked;
    private final boolean accepted;
    private final String detail;
    private final String fix;

    private CredentialCheck(boolean checked, boolean accepted, String detail, String fix) {
        this.checked = checked;
        this.accepted = accepted;
        this.detail = Objects.requireNonNull(detail, "detail");
        this.fix = fix;
    }

    /**
     * The platform accepted the credentials.
     *
     * @param detail what was confirmed, e.g. {@code "bot user U123 in team T9"}; no secret
     * @return the result
     */
    public static CredentialCheck ok(String detail) {
        return new CredentialCheck(true, true, detail, null);
    }

    /**
     * The platform refused a credential, or did not answer.
     *
     * @param problem what is wrong, naming the setting by key path, never its value
     * @param fix what the operator should do
     * @return the result
     */
    public static CredentialCheck failed(String problem, String fix) {
        return new CredentialCheck(true, false, Objects.requireNonNull(problem, "problem"), Objects.requireNonNull(fix, "fix"));
    }

    /**
     * The plugin cannot check credentials without connecting; the default of {@link Gateway#checkCredentials}.
     *
     * @return the result
     */
    public static CredentialCheck notSupported() {
        return new CredentialCheck(false, false, "this plugin cannot check credentials without connecting", null);
    }

    /**
     * Whether the platform was asked at all.
     *
     * @return {@code false} only for {@link #notSupported()}
     */
    public boolean checked() {
        return checked;
    }

    /**
     * Whether the platform accepted every credential.
     *
     * @return {@code true} only for {@link #ok(String)}
     */
    public boolean accepted() {
        return accepted;
    }

    /**
     * What was confirmed ({@link #ok}), what is wrong ({@link #failed}), or why nothing was checked.
     *
     * @return the text, never {@code null}
     */
    public String detail() {
        return detail;
    }

    /**
     * What the operator should do about a failure.
     *
     * @return the fix, or {@code null} unless the check {@link #failed}
     */
    public String fix() {
        return fix;
    }

    @Override
    public String toString() {
        return "CredentialCheck[" + (!checked ? "not supported" : accepted ? "ok" : "failed") + ": " + detail
                + (fix == null ? "" : "; fix: " + fix) + "]";
    }
}
