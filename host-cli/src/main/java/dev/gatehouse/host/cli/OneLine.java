package dev.gatehouse.host.cli;

import org.slf4j.Logger;

/** A failure told in one console line: its type and message, and its cause's, without a stack trace. */
final class OneLine {

    private OneLine() {
    }

    /**
     * Logs {@code what: Type: message (cause: Type: message)} at ERROR and the stack trace at DEBUG, so
     * the console shows one readable line and {@code GATEHOUSE_LOG_LEVEL=DEBUG} shows where it came from.
     */
    static void logFailure(Logger log, String what, Throwable e) {
        log.error("{}: {}; run with GATEHOUSE_LOG_LEVEL=DEBUG for the stack trace", what, describe(e));
        log.debug("{}", what, e);
    }

    static String describe(Throwable e) {
        StringBuilder s = new StringBuilder(brief(e));
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e) {
            s.append(" (cause: ").append(brief(root)).append(')');
        }
        return s.toString().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    private static String brief(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
