package dev.flotilla.runtime.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.flotilla.unit.MachineFacts;
import dev.flotilla.unit.Specifiers;
import dev.flotilla.unit.SystemdQuoting;
import dev.flotilla.unit.UnitName;
import dev.flotilla.unit.ValueSyntaxException;

/**
 * One {@code Exec*=} line, split into words with systemd's quoting and with specifiers expanded;
 * environment variables are expanded later, when it runs ({@link ExecLineExpander}). Prefixes
 * (systemd's, in any order): {@code -} a failure is ignored; {@code @} the second word is argv[0];
 * {@code :} no environment expansion; {@code +} runs with full privileges (ignores {@code User=});
 * {@code !} and {@code !!} are accepted and change nothing (the runtime applies no other
 * sandboxing); {@code |} (run through a shell) is refused. Immutable.
 *
 * @param key the option, e.g. {@code ExecStartPre}
 * @param path the program: absolute, or a name looked up in the unit's {@code PATH}
 * @param argv0 argv[0] as given with {@code @}, else the path
 * @param args the arguments after argv[0]
 * @param ignoreFailure {@code -}
 * @param expandEnvironment false with {@code :}
 * @param fullPrivileges {@code +}
 */
record ExecCommand(String key, String path, String argv0, List<String> args, boolean ignoreFailure,
        boolean expandEnvironment, boolean fullPrivileges) {

    private static final int DESCRIBE_MAX = 72;

    ExecCommand {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(argv0, "argv0");
        args = List.copyOf(args);
    }

    /**
     * Parses one value of {@code key}.
     *
     * @throws BadSettingException on a quoting error, an unknown specifier, an empty command, a
     *     refused prefix, or a relative path with a slash
     */
    static ExecCommand parse(String key, String value, UnitName unit, MachineFacts machine) {
        int i = 0;
        boolean ignore = false;
        boolean at = false;
        boolean noEnv = false;
        boolean plus = false;
        while (i < value.length() && "-@:+!|".indexOf(value.charAt(i)) >= 0) {
            switch (value.charAt(i)) {
                case '-' -> ignore = true;
                case '@' -> at = true;
                case ':' -> noEnv = true;
                case '+' -> plus = true;
                case '!' -> { }
                default -> throw new BadSettingException(key + "=" + value + ": the '|' prefix (run through a shell) "
                        + "is not supported; write " + key + "=/bin/sh -c '...'");
            }
            i++;
        }
        List<String> words;
        try {
            words = new ArrayList<>();
            for (String w : SystemdQuoting.split(value.substring(i))) {
                words.add(Specifiers.expand(w, unit, machine));
            }
        } catch (ValueSyntaxException e) {
            throw new BadSettingException(key + "=" + value + ": " + e.getMessage());
        }
        if (words.isEmpty() || at && words.size() < 2) {
            throw new BadSettingException(key + "=" + value + ": no command" + (at ? " and argv[0] after '@'" : ""));
        }
        String path = words.getFirst();
        if (!path.startsWith("/") && path.contains("/")) {
            throw new BadSettingException(key + "=" + value + ": the program must be an absolute path or a plain "
                    + "name looked up in PATH, not " + path);
        }
        String argv0 = at ? words.get(1) : path;
        List<String> args = words.subList(at ? 2 : 1, words.size());
        return new ExecCommand(key, path, argv0, args, ignore, !noEnv, plus);
    }

    /** {@code ExecStartPre=/usr/bin/false}, with the arguments, shortened to one readable line. */
    String describe() {
        StringBuilder b = new StringBuilder(key).append('=').append(path);
        for (String a : args) {
            b.append(' ').append(a.replaceAll("\\s+", " ").strip());
        }
        return b.length() <= DESCRIBE_MAX ? b.toString() : b.substring(0, DESCRIBE_MAX - 3) + "...";
    }

    /** The program's base name, as journal lines name their writer: {@code bash} for {@code /bin/bash}. */
    String identifier() {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return name.isEmpty() ? path : name;
    }
}
