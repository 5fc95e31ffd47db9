package dev.flotilla.agent;

/**
 * Where an {@link Agent} is in its life.
 *
 * <pre>
 *  NEW --start()--> STARTING --joined--> JOINED --lease gone / LOST--> FENCED --joined--> JOINED ...
 *                      |                                                  ^
 *                      +--- no lease within one TTL (store unreachable) --+
 *  any --close()--> CLOSED
 * </pre>
 */
public enum AgentPhase {
    /** Constructed, not started. */
    NEW,
    /** Started: runtimes open and adopted, trying to get a lease; adopted units keep running. */
    STARTING,
    /** Registered on a live lease: reconciling and publishing unit states. */
    JOINED,
    /** The lease is (or may be) gone: units were stopped; rejoining as soon as the store allows. */
    FENCED,
    /** Closed: nothing runs in the agent any more (units it did not stop keep running). */
    CLOSED
}
