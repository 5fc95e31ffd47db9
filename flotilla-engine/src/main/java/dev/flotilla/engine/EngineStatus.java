package dev.flotilla.engine;

import dev.flotilla.registry.Leadership;
import dev.flotilla.registry.MachineId;
import java.util.Objects;
import java.util.Optional;

/**
 * The engine of one machine as the API and CLI show it: its role, the leader as last seen, and
 * what its passes did. A value read at one moment; immutable.
 *
 * @param machineId this engine's machine
 * @param role what it does now
 * @param leader the current leader as this engine last saw it (itself when {@link Role#LEADING});
 *     empty when nobody led at its last look, or before its first
 * @param passes passes run by this engine since it started, over all its terms
 * @param decisionsApplied schedule decisions written by those passes
 * @param changesRefused schedule changes refused by compare-and-set (replanned later)
 * @param lastPass the latest pass, if any
 * @param settledRevision the store revision up to which this engine, as leader, has acted on every
 *     change (nothing left to plan); 0 before it first led. A caller that wrote at revision R and
 *     sees {@code settledRevision >= R} knows the leader has planned with its write
 */
public record EngineStatus(MachineId machineId, Role role, Optional<Leadership> leader, long passes,
        long decisionsApplied, long changesRefused, Optional<PassReport> lastPass, long settledRevision) {

    /** What an engine does. */
    public enum Role {
        /** Created, not started. */
        NEW,
        /** Another engine leads (or nobody, and this one campaigns); this one decides nothing. */
        FOLLOWING,
        /** This engine leads and plans. */
        LEADING,
        /** This engine holds the leadership, but the store connection is suspended: it decides nothing until it returns. */
        PAUSED,
        /** Closed; for good. */
        CLOSED
    }

    /** Checks that no component is null. */
    public EngineStatus {
        Objects.requireNonNull(machineId, "machineId");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(leader, "leader");
        Objects.requireNonNull(lastPass, "lastPass");
    }

    /** Whether this engine leads (and is not paused). */
    public boolean isLeading() {
        return role == Role.LEADING;
    }
}
