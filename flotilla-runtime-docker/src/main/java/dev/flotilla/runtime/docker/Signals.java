package dev.flotilla.runtime.docker;

/** Linux signal names by number, for exit reports ({@code KILL}, {@code TERM}, ...). Stateless. */
final class Signals {

    private static final String[] NAMES = {null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL",
        "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU",
        "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"};

    private Signals() {}

    /** The name without {@code SIG}, e.g. {@code KILL}; {@code RTMIN+n} or the number for the others. */
    static String name(int signal) {
        if (signal > 0 && signal < NAMES.length) {
            return NAMES[signal];
        }
        return signal >= 34 && signal <= 64 ? "RTMIN+" + (signal - 34) : Integer.toString(signal);
    }
}
