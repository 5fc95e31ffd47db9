package dev.flotilla.agent;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

import dev.flotilla.registry.MachineId;
import dev.flotilla.store.ConnectionState;

/**
 * A point-in-time view of an {@link Agent}, for the API, metrics and tests. Immutable.
 *
 * @param machineId the machine
 * @param phase where the agent is in its life
 * @param leaseId the machine's current lease, while joined
 * @param connection the store connection's state as last observed
 * @param units the units the machine should hold after the last reconcile pass (placed + matching
 *     global units)
 * @param globalUnits how many of {@code units} are global units whose metadata matches this machine
 * @param running how many units were active (or activating) after the last pass
 * @param lastFence why the agent last fenced its units, if it ever did
 */
public record AgentStatus(MachineId machineId, AgentPhase phase, OptionalLong leaseId, ConnectionState connection,
        int units, int globalUnits, int running, Optional<String> lastFence) {

    /** Checks that no component is null. */
    public AgentStatus {
        Objects.requireNonNull(machineId, "machineId");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(leaseId, "leaseId");
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(lastFence, "lastFence");
    }
}
