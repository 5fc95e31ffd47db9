package dev.flotilla.cli;

/** The CLI's exit codes. */
final class ExitCodes {
    /** The command did what was asked. */
    static final int OK = 0;
    /** The command ran, and the answer is "no": e.g. the key or unit asked for does not exist. */
    static final int NOT_FOUND = 1;
    /**
     * The command ran and did not get what was asked: the API refused it, or units did not reach the state
     * asked for within {@code --block-attempts} (e.g. a unit that cannot be scheduled).
     */
    static final int FAILED = 1;
    /** Bad input: an unknown flag, a bad value, an invalid unit file, or a store or endpoint that cannot be reached. */
    static final int USAGE = 2;
    /** A bug: something failed that the CLI did not expect. */
    static final int INTERNAL = 70;

    private ExitCodes() {
    }
}
