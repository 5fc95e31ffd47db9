package dev.flotilla.runtime.exec;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Linux signal names and numbers (the same on x86-64 and arm64). Stateless. */
final class Signals {

    static final int HUP = 1;
    static final int INT = 2;
    static final int KILL = 9;
    static final int TERM = 15;

    /** Index = signal number; names without {@code SIG}. */
    private static final List<String> NAMES = List.of("0", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE",
            "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN",
            "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS");

    private Signals() {}

    /** The name without {@code SIG} ({@code TERM}), or {@code RTMIN+n}/the number for others. */
    static String name(int signal) {
        if (signal > 0 && signal < NAMES.size()) {
            return NAMES.get(signal);
        }
        return signal >= 34 && signal <= 64 ? "RTMIN+" + (signal - 34) : Integer.toString(signal);
    }

    /** Parses {@code SIGTERM}, {@code TERM}, {@code sigterm} or {@code 15}; empty when unknown. */
    static Optional<Integer> parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        if (t.matches("\\d{1,2}")) {
            int n = Integer.parseInt(t);
            return n >= 1 && n <= 64 ? Optional.of(n) : Optional.empty();
        }
        if (t.startsWith("SIG")) {
            t = t.substring(3);
        }
        int i = NAMES.indexOf(t);
        return i > 0 ? Optional.of(i) : Optional.empty();
    }
}
