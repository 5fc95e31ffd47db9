package dev.flotilla.runtime;

/**
 * A runtime could not carry out an operation: its state directory is unusable, the runtime is
 * closed, or the unit is unknown. Problems of the unit itself (a bad setting, a command that
 * fails) are not exceptions: they show as a failed {@link UnitStatus} with a reason.
 */
public class UnitOperationException extends Exception {

    private static final long serialVersionUID = 1L;

    /** An error with a message that names the unit and says what to do. */
    public UnitOperationException(String message) {
        super(message);
    }

    /** An error caused by {@code cause}, typically an {@link java.io.IOException}. */
    public UnitOperationException(String message, Throwable cause) {
        super(message, cause);
    }
}
