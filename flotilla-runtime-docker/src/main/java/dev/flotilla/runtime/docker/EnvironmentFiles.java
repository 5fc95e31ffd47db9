package dev.flotilla.runtime.docker;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code EnvironmentFile=} contents for a container: {@code KEY=VALUE} lines (an {@code export } prefix is
 * allowed); blank lines and lines starting with {@code #} or {@code ;} are skipped, as are lines that are not
 * assignments; a value wholly in matching single or double quotes loses them. Later lines win. Stateless.
 */
final class EnvironmentFiles {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private EnvironmentFiles() {}

    static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String raw : text.split("\r?\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring(7).strip();
            }
            int eq = line.indexOf('=');
            if (eq <= 0 || !NAME.matcher(line.substring(0, eq).strip()).matches()) {
                continue;
            }
            String value = line.substring(eq + 1).strip();
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                    || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            }
            out.put(line.substring(0, eq).strip(), value);
        }
        return out;
    }
}
