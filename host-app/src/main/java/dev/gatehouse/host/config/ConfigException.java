package dev.gatehouse.host.config;

import java.util.List;

/** The configuration is invalid. Lists every problem, each naming its key path and the fix; never a secret. */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ConfigException(String source, List<String> problems) {
        super(source + " is invalid:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    /** @return one line per problem, each starting with a key path */
    public List<String> problems() {
        return problems;
    }
}
