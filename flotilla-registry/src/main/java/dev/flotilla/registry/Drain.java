package dev.flotilla.registry;

import java.time.Instant;
import java.util.Objects;

/**
 * An operator's request that a machine run nothing new and hand its units to other machines
 * ({@code drains/<machine-id>}). It is stored without a lease, apart from the machine's own key, so
 * that it outlives the agent restarting: a machine drained for maintenance stays drained until
 * someone undrains it. Immutable.
 *
 * @param machineId the drained machine
 * @param since when the drain was requested
 * @param reason the operator's words (may be empty), shown wherever the drain is
 */
public record Drain(MachineId machineId, Instant since, String reason) {

    /** The longest reason kept, in characters. */
    public static final int MAX_REASON = 512;

    /**
     * Checks the components.
     *
     * @throws IllegalArgumentException when the reason is longer than {@value #MAX_REASON} characters
     */
    public Drain {
        Objects.requireNonNull(machineId, "machineId");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(reason, "reason");
        if (reason.length() > MAX_REASON) {
            throw new IllegalArgumentException("a drain reason has at most " + MAX_REASON + " characters, not "
                    + reason.length());
        }
    }

    /** What the scheduler says about the machine: {@code draining} or {@code draining (kernel upgrade)}. */
    public String describe() {
        return reason.isEmpty() ? "draining" : "draining (" + reason + ")";
    }
}
