package dev.flotilla.agent;

/**
 * An {@link Agent} could not start on this machine: its data directory is unusable or used by
 * another agent, its machine ID file is malformed, or a runtime cannot open. The message says
 * which path or runtime, and what to do. A store that does not answer is not a reason: the agent
 * starts and keeps trying to join.
 */
public class AgentStartException extends Exception {

    private static final long serialVersionUID = 1L;

    /** An error with a message naming the path or runtime and what to do. */
    public AgentStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
