package dev.gatehouse.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Every absolute Gatehouse path (install, state, configuration folder) that the shipped files name, comments included. */
final class ReferencedPaths {

    private static final Pattern PATH = Pattern.compile("(?:/opt/gatehouse|/var/lib/gatehouse|/etc/gatehouse)(?:/[^\\s\"'`,;)\\]}]*)?");

    private ReferencedPaths() {
    }

    /** Each path, without a trailing slash or sentence punctuation, and the files (relative to {@code home}) that name it. */
    static Map<String, Set<String>> in(Path home, Iterable<String> files) throws IOException {
        Map<String, Set<String>> found = new TreeMap<>();
        for (String file : files) {
            Matcher m = PATH.matcher(Files.readString(home.resolve(file)));
            while (m.find()) {
                String p = m.group().replaceAll("[.:/]+$", "");
                found.computeIfAbsent(p, k -> new TreeSet<>()).add(file);
            }
        }
        return found;
    }
}
