package dev.flotilla.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * fleetctl once parsed flags with Go's {@code flag} package, which accepts one dash for long flags, and
 * scripts still say {@code fleetctl destroy $(fleetctl list-units -fields=unit -no-legend)}. This rewrites
 * the single-dash forms of the fleet commands' long flags to picocli's double-dash ones. Stateless.
 */
final class LegacyFlags {

    private static final Set<String> LONG = Set.of("fields", "no-legend", "full", "no-block", "block-attempts",
            "replace", "endpoint", "request-timeout", "ca-file", "cert-file", "key-file");

    private LegacyFlags() {
    }

    /** {@code args} with {@code -name[=value]} rewritten to {@code --name[=value]} for known names, up to {@code --}. */
    static String[] normalize(String[] args) {
        List<String> out = new ArrayList<>(args.length);
        boolean options = true;
        for (String arg : args) {
            if (arg.equals("--")) {
                options = false;
            }
            if (options && arg.length() > 2 && arg.charAt(0) == '-' && arg.charAt(1) != '-') {
                int eq = arg.indexOf('=');
                String name = eq < 0 ? arg.substring(1) : arg.substring(1, eq);
                if (LONG.contains(name)) {
                    out.add("-" + arg);
                    continue;
                }
            }
            out.add(arg);
        }
        return out.toArray(String[]::new);
    }
}
