package dev.flotilla.agent;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

import dev.flotilla.registry.MachineId;

/**
 * What an {@link Agent} tells its {@link AgentListener}s: the seams the engine (which campaigns for
 * leadership on the agent's lease) and the API server hang off. Immutable.
 */
public sealed interface AgentEvent {

    /** The machine. */
    MachineId machineId();

    /**
     * The machine registered on a new lease and reconciles: campaign with {@code leaseId} now.
     *
     * @param machineId the machine
     * @param leaseId the lease the machine, its unit states and anything else of this agent hang off
     * @param ttl the TTL the store granted
     */
    record Joined(MachineId machineId, long leaseId, Duration ttl) implements AgentEvent {
        /** Checks that no component is null. */
        public Joined {
            Objects.requireNonNull(machineId, "machineId");
            Objects.requireNonNull(ttl, "ttl");
        }
    }

    /**
     * The lease is gone or may be (revoked, expired, or not renewed for one TTL, or the store
     * connection is LOST): the agent has started stopping every unit. Anything tied to the lease
     * (engine leadership) must stop acting now.
     *
     * @param machineId the machine
     * @param leaseId the lease that was lost; empty when the agent had not joined yet
     * @param reason why, for logs and people
     */
    record Fenced(MachineId machineId, OptionalLong leaseId, String reason) implements AgentEvent {
        /** Checks that no component is null. */
        public Fenced {
            Objects.requireNonNull(machineId, "machineId");
            Objects.requireNonNull(leaseId, "leaseId");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A reconcile pass ended (for metrics): how long it took, and whether it went through. Passes run on watch
     * events, runtime state changes and the periodic resync.
     *
     * @param machineId the machine
     * @param duration how long the pass took (reading the view, planning, the tasks, publishing states)
     * @param failure why it failed (the store did not answer, ...); empty when it went through
     * @param failedTasks tasks of the pass that failed or could not be done yet (a later pass retries them)
     */
    record Reconciled(MachineId machineId, Duration duration, Optional<String> failure, int failedTasks)
            implements AgentEvent {
        /** Checks that no component is null. */
        public Reconciled {
            Objects.requireNonNull(machineId, "machineId");
            Objects.requireNonNull(duration, "duration");
            Objects.requireNonNull(failure, "failure");
        }
    }
}
