package dev.flotilla.cli;

import picocli.CommandLine.Option;

/**
 * fleetctl's {@code --no-block} and {@code --block-attempts N}: whether and how long a command waits for
 * the units to reach the state it asked for. One attempt is {@link StateWaiter#ATTEMPT} (2 s) of polling,
 * as fleetctl's was.
 */
final class BlockOptions {

    /** Attempts waited when {@code --block-attempts} is not given: 60 (about 2 minutes). */
    static final int DEFAULT_ATTEMPTS = 60;

    @Option(names = "--no-block", description = "Do not wait for the units to reach the state asked for.")
    boolean noBlock;

    @Option(names = "--block-attempts", paramLabel = "N",
            description = "Wait at most N attempts of 2 s each for the units (0 waits forever; default: "
                    + DEFAULT_ATTEMPTS + ", about 2 minutes).")
    Integer blockAttempts;

    /** -1: do not wait; 0: wait forever; N: wait at most N attempts. */
    int attempts() {
        if (noBlock) {
            return -1;
        }
        if (blockAttempts == null) {
            return DEFAULT_ATTEMPTS;
        }
        if (blockAttempts < 0) {
            throw new CliException(ExitCodes.USAGE, "--block-attempts must be 0 (wait forever) or more; got " + blockAttempts);
        }
        return blockAttempts;
    }
}
