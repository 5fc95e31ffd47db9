package dev.flotilla.registry;

import java.util.Objects;
import java.util.Optional;

import dev.flotilla.unit.UnitName;

/**
 * One change of the registry, as a {@link Registry#watch watch} reports it. Every event carries the
 * store revision of its change; events arrive in revision order, each exactly once. Immutable.
 */
public sealed interface RegistryEvent {

    /** The store revision of the change. */
    long revision();

    /**
     * A machine registered (its key was created).
     *
     * @param machine the machine as registered
     * @param revision the store revision of the change
     */
    record MachineJoined(Machine machine, long revision) implements RegistryEvent {
        /** Checks that the machine is present. */
        public MachineJoined {
            Objects.requireNonNull(machine, "machine");
        }
    }

    /**
     * A registered machine re-registered with other facts (or another lease).
     *
     * @param machine the machine as registered
     * @param revision the store revision of the change
     */
    record MachineUpdated(Machine machine, long revision) implements RegistryEvent {
        /** Checks that the machine is present. */
        public MachineUpdated {
            Objects.requireNonNull(machine, "machine");
        }
    }

    /**
     * A machine's key is gone: its lease expired or was revoked.
     *
     * @param machineId the machine
     * @param revision the store revision of the change
     */
    record MachineLeft(MachineId machineId, long revision) implements RegistryEvent {
        /** Checks that the ID is present. */
        public MachineLeft {
            Objects.requireNonNull(machineId, "machineId");
        }
    }

    /**
     * A unit was created, or its contents or desired state changed; {@code revision} is its new basis.
     *
     * @param unit the unit as stored now
     * @param revision the store revision of the change
     */
    record UnitChanged(UnitRecord unit, long revision) implements RegistryEvent {
        /** Checks that the unit is present. */
        public UnitChanged {
            Objects.requireNonNull(unit, "unit");
        }
    }

    /**
     * A unit was destroyed.
     *
     * @param unit the unit
     * @param revision the store revision of the change
     */
    record UnitRemoved(UnitName unit, long revision) implements RegistryEvent {
        /** Checks that the name is present. */
        public UnitRemoved {
            Objects.requireNonNull(unit, "unit");
        }
    }

    /**
     * A global unit's index entry changed: only {@link Registry#watchMachine} reports these (the
     * cluster watch reports the unit itself through {@link UnitChanged}).
     *
     * @param entry the new entry
     * @param revision the store revision of the change
     */
    record GlobalUnitChanged(GlobalUnitEntry entry, long revision) implements RegistryEvent {
        /** Checks that the entry is present. */
        public GlobalUnitChanged {
            Objects.requireNonNull(entry, "entry");
        }
    }

    /**
     * A global unit was destroyed or stopped being global; only {@link Registry#watchMachine} reports these.
     *
     * @param unit the unit
     * @param revision the store revision of the change
     */
    record GlobalUnitRemoved(UnitName unit, long revision) implements RegistryEvent {
        /** Checks that the name is present. */
        public GlobalUnitRemoved {
            Objects.requireNonNull(unit, "unit");
        }
    }

    /**
     * A unit was placed, moved, or its placed state or hash changed; {@code revision} is its new basis.
     *
     * @param entry the new entry
     * @param revision the store revision of the change
     * @param reason the engine's reason stored with the entry, when it gave one (a move's: why the unit left
     *     its previous machine)
     */
    record ScheduleChanged(ScheduleEntry entry, long revision, Optional<String> reason) implements RegistryEvent {
        /** Checks that the components are present. */
        public ScheduleChanged {
            Objects.requireNonNull(entry, "entry");
            Objects.requireNonNull(reason, "reason");
        }

        /** An entry without a reason. */
        public ScheduleChanged(ScheduleEntry entry, long revision) {
            this(entry, revision, Optional.empty());
        }
    }

    /**
     * A unit's placement was removed (from the cluster's view, or, in {@link Registry#watchMachine},
     * from that machine: it may have moved elsewhere).
     *
     * @param unit the unit
     * @param revision the store revision of the change
     */
    record ScheduleRemoved(UnitName unit, long revision) implements RegistryEvent {
        /** Checks that the name is present. */
        public ScheduleRemoved {
            Objects.requireNonNull(unit, "unit");
        }
    }

    /**
     * The engine recorded new reasons why a unit cannot be placed.
     *
     * @param record the new reasons
     * @param revision the store revision of the change
     */
    record UnschedulableChanged(UnschedulableRecord record, long revision) implements RegistryEvent {
        /** Checks that the record is present. */
        public UnschedulableChanged {
            Objects.requireNonNull(record, "record");
        }
    }

    /**
     * A unit's unschedulable reasons were cleared (it was placed, unplaced or destroyed).
     *
     * @param unit the unit
     * @param revision the store revision of the change
     */
    record UnschedulableCleared(UnitName unit, long revision) implements RegistryEvent {
        /** Checks that the name is present. */
        public UnschedulableCleared {
            Objects.requireNonNull(unit, "unit");
        }
    }

    /**
     * An agent published a new state of a unit.
     *
     * @param state the new state
     * @param revision the store revision of the change
     */
    record StateChanged(UnitStateRecord state, long revision) implements RegistryEvent {
        /** Checks that the state is present. */
        public StateChanged {
            Objects.requireNonNull(state, "state");
        }
    }

    /**
     * A unit's state on a machine is gone: removed by its agent, by destroy, or with the agent's lease.
     *
     * @param unit the unit
     * @param machineId the machine
     * @param revision the store revision of the change
     */
    record StateRemoved(UnitName unit, MachineId machineId, long revision) implements RegistryEvent {
        /** Checks that the names are present. */
        public StateRemoved {
            Objects.requireNonNull(unit, "unit");
            Objects.requireNonNull(machineId, "machineId");
        }
    }

    /**
     * A new engine leader was elected.
     *
     * @param leadership the new term
     * @param revision the store revision of the change
     */
    record LeaderElected(Leadership leadership, long revision) implements RegistryEvent {
        /** Checks that the leadership is present. */
        public LeaderElected {
            Objects.requireNonNull(leadership, "leadership");
        }
    }

    /**
     * The engine leader resigned or its lease is gone; nobody leads until someone campaigns.
     *
     * @param revision the store revision of the change
     */
    record LeaderGone(long revision) implements RegistryEvent { }

    /**
     * An agent registered a service endpoint, or changed it (its health, most often).
     *
     * @param endpoint the endpoint as published now
     * @param created whether the key was created by this change (a registration), rather than updated
     * @param revision the store revision of the change
     */
    record EndpointChanged(ServiceEndpoint endpoint, boolean created, long revision) implements RegistryEvent {
        /** Checks that the endpoint is present. */
        public EndpointChanged {
            Objects.requireNonNull(endpoint, "endpoint");
        }
    }

    /**
     * A service endpoint is gone: deregistered by its agent (the unit stopped, or was critical too
     * long) or vanished with the agent's lease.
     *
     * @param service the service
     * @param unit the unit
     * @param machineId the machine
     * @param revision the store revision of the change
     */
    record EndpointRemoved(String service, UnitName unit, MachineId machineId, long revision)
            implements RegistryEvent {
        /** Checks that the names are present. */
        public EndpointRemoved {
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(unit, "unit");
            Objects.requireNonNull(machineId, "machineId");
        }
    }

    /**
     * A machine was drained, or its drain's reason changed.
     *
     * @param drain the drain as stored
     * @param revision the store revision of the change
     */
    record DrainChanged(Drain drain, long revision) implements RegistryEvent {
        /** Checks that the drain is present. */
        public DrainChanged {
            Objects.requireNonNull(drain, "drain");
        }
    }

    /**
     * A machine's drain ended: it may take units again.
     *
     * @param machineId the machine
     * @param revision the store revision of the change
     */
    record DrainCleared(MachineId machineId, long revision) implements RegistryEvent {
        /** Checks that the ID is present. */
        public DrainCleared {
            Objects.requireNonNull(machineId, "machineId");
        }
    }
}
