package dev.flotilla.cli;

/** The CLI's exit codes. */
final class ExitCodes {
    /** The command did what was asked. */
    static final int OK = 0;
    /** The command ran, and the answer is "no": e.g. the key asked for does not exist. */
    static final int NOT_FOUND = 1;
    /** Bad input: an unknown flag, a bad value, or a store or endpoint that cannot be reached. */
    static final int USAGE = 2;
    /** A bug: something failed that the CLI did not expect. */
    static final int INTERNAL = 70;

    private ExitCodes() {
    }
}
