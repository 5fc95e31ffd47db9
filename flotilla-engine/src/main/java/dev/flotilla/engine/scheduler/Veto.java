package dev.flotilla.engine.scheduler;

import java.util.Objects;

/**
 * Why one machine cannot take one unit, in words a user can act on ({@code conflicts with
 * web@02.service}). Immutable.
 *
 * @param kind which constraint refused
 * @param reason the user-facing text
 */
public record Veto(Kind kind, String reason) {

    /** The constraint behind a veto. */
    public enum Kind {
        /** The machine is drained: it takes no units but global ones. */
        DRAINED,
        /** {@code MachineID=} (or the legacy boot ID) names another machine. */
        MACHINE_ID,
        /** {@code MachineMetadata=} does not match the machine's metadata. */
        METADATA,
        /** A {@code MachineOf=} peer is elsewhere or nowhere, or the peers form a cycle. */
        MACHINE_OF,
        /** A {@code Conflicts=} glob (of either unit) matches a unit on the machine. */
        CONFLICT,
        /** A unit on the machine (or, for circular {@code Replaces=}, in the cluster) replaces this one. */
        REPLACED
    }

    /** Checks that no component is null. */
    public Veto {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
    }

    /** The reason text. */
    @Override
    public String toString() {
        return reason;
    }
}
