package dev.gatehouse.host.cli.doctor;

import dev.gatehouse.host.logging.Secrets;

/**
 * One line of {@code gatehouse doctor}'s report: {@code OK   <check>: <detail>},
 * {@code SKIP <check>: <why>} or {@code FAIL <check>: <problem> -- fix: <fix>}. The verdict comes first and
 * is padded to one width, so {@code grep '^FAIL'} finds every problem. Every line is masked with
 * {@link Secrets#redact}: details quote plugins and platforms, which must not, but might, echo a token.
 *
 * @param verdict OK, SKIP (not checked, does not fail the run) or FAIL
 * @param check what was checked, e.g. {@code credentials workspaces.acme.slack}
 * @param detail what was found
 * @param fix what to do; {@code null} unless FAIL
 */
public record Finding(Verdict verdict, String check, String detail, String fix) {

    /** How a check came out. */
    public enum Verdict { OK, SKIP, FAIL }

    static Finding ok(String check, String detail) {
        return new Finding(Verdict.OK, check, detail, null);
    }

    static Finding skip(String check, String why) {
        return new Finding(Verdict.SKIP, check, why, null);
    }

    static Finding fail(String check, String problem, String fix) {
        return new Finding(Verdict.FAIL, check, problem, fix);
    }

    /** The report line, secrets masked, on one line whatever the texts contain. */
    public String line() {
        String text = String.format("%-4s %s: %s", verdict, check, detail) + (fix == null ? "" : " -- fix: " + fix);
        return Secrets.redact(text.replaceAll("\\s*[\\r\\n]+\\s*", " "));
    }
}
