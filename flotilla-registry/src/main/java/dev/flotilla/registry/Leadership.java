package dev.flotilla.registry;

import java.time.Instant;
import java.util.Objects;

/**
 * One engine leader's term: the leader key written by {@link EngineElection#campaign}. The key is
 * written once per term and never updated, so its revision names the term: a new leader always
 * has a greater term, and a write guarded by a term fails once that term is over. Immutable.
 *
 * @param machineId the leading machine
 * @param leaseId the lease the leader key is attached to (the leader's agent lease)
 * @param term the store revision at which the leader key was created
 * @param since when the leader was elected, by its own clock
 */
public record Leadership(MachineId machineId, long leaseId, long term, Instant since) {

    /**
     * Validates the term.
     *
     * @throws IllegalArgumentException when {@code term} is not positive
     */
    public Leadership {
        Objects.requireNonNull(machineId, "machineId");
        Objects.requireNonNull(since, "since");
        if (term <= 0) {
            throw new IllegalArgumentException("a leadership term is a store revision, positive; got " + term);
        }
    }
}
