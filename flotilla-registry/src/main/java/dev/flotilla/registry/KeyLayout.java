package dev.flotilla.registry;

import java.util.Optional;

import dev.flotilla.unit.InvalidUnitNameException;
import dev.flotilla.unit.UnitName;

/**
 * Where each record lives under the registry's root; docs/key-layout.md is the reference. Unit
 * names and machine IDs hold no {@code /}, so every prefix below ends at a component boundary.
 * Immutable.
 */
final class KeyLayout {

    static final String MACHINES = "machines/";
    static final String UNITS = "units/";
    static final String GLOBAL_UNITS = "global-units/";
    static final String SCHEDULE_BY_UNIT = "schedule/units/";
    static final String SCHEDULE_BY_MACHINE = "schedule/machines/";
    static final String UNSCHEDULABLE = "unschedulable/";
    static final String STATES = "states/";
    static final String LEADER = "engine/leader";
    static final String SERVICES = "services/";
    static final String DRAINS = "drains/";

    private final String root;

    KeyLayout(String root) {
        if (root == null || root.isEmpty() || !root.endsWith("/")) {
            throw new IllegalArgumentException("the registry root must be a non-empty prefix ending in '/', not \""
                    + root + "\"");
        }
        this.root = root;
    }

    String root() {
        return root;
    }

    String machine(MachineId id) {
        return root + MACHINES + id.value();
    }

    String unit(UnitName name) {
        return root + UNITS + name.name();
    }

    String globalUnit(UnitName name) {
        return root + GLOBAL_UNITS + name.name();
    }

    String scheduleByUnit(UnitName name) {
        return root + SCHEDULE_BY_UNIT + name.name();
    }

    String scheduleOnMachine(MachineId machine, UnitName name) {
        return scheduleOnMachinePrefix(machine) + name.name();
    }

    String scheduleOnMachinePrefix(MachineId machine) {
        return root + SCHEDULE_BY_MACHINE + machine.value() + "/";
    }

    String unschedulable(UnitName name) {
        return root + UNSCHEDULABLE + name.name();
    }

    String state(UnitName unit, MachineId machine) {
        return statesOf(unit) + machine.value();
    }

    String statesOf(UnitName unit) {
        return root + STATES + unit.name() + "/";
    }

    String endpoint(String service, UnitName unit, MachineId machine) {
        return servicePrefix(service) + unit.name() + "/" + machine.value();
    }

    /** The endpoints of {@code service}: {@code services/<service>/}. */
    String servicePrefix(String service) {
        return root + SERVICES + service + "/";
    }

    String drain(MachineId machine) {
        return root + DRAINS + machine.value();
    }

    String leader() {
        return root + LEADER;
    }

    /** A directory of the layout, e.g. {@code prefix(UNITS)}. */
    String prefix(String directory) {
        return root + directory;
    }

    /** What a key under the root names; empty for a key outside the layout (logged by callers). */
    Optional<RegistryKey> parse(String key) {
        if (!key.startsWith(root)) {
            return Optional.empty();
        }
        String rest = key.substring(root.length());
        try {
            if (rest.equals(LEADER)) {
                return Optional.of(new RegistryKey.Leader());
            }
            if (rest.startsWith(MACHINES)) {
                return machineId(rest.substring(MACHINES.length())).map(RegistryKey.Machine::new);
            }
            if (rest.startsWith(DRAINS)) {
                return machineId(rest.substring(DRAINS.length())).map(RegistryKey.Drain::new);
            }
            if (rest.startsWith(UNITS)) {
                return unitName(rest.substring(UNITS.length())).map(RegistryKey.Unit::new);
            }
            if (rest.startsWith(GLOBAL_UNITS)) {
                return unitName(rest.substring(GLOBAL_UNITS.length())).map(RegistryKey.GlobalUnit::new);
            }
            if (rest.startsWith(SCHEDULE_BY_UNIT)) {
                return unitName(rest.substring(SCHEDULE_BY_UNIT.length())).map(RegistryKey.Schedule::new);
            }
            if (rest.startsWith(UNSCHEDULABLE)) {
                return unitName(rest.substring(UNSCHEDULABLE.length())).map(RegistryKey.Unschedulable::new);
            }
            if (rest.startsWith(SCHEDULE_BY_MACHINE)) {
                String[] parts = rest.substring(SCHEDULE_BY_MACHINE.length()).split("/", -1);
                return parts.length != 2 ? Optional.empty() : machineId(parts[0]).flatMap(
                        m -> unitName(parts[1]).map(u -> new RegistryKey.MachineSchedule(m, u)));
            }
            if (rest.startsWith(SERVICES)) {
                String[] parts = rest.substring(SERVICES.length()).split("/", -1);
                return parts.length != 3 || !ServiceEndpoint.isValidName(parts[0]) ? Optional.empty()
                        : unitName(parts[1]).flatMap(u -> machineId(parts[2])
                                .map(m -> new RegistryKey.Endpoint(parts[0], u, m)));
            }
            if (rest.startsWith(STATES)) {
                String[] parts = rest.substring(STATES.length()).split("/", -1);
                return parts.length != 2 ? Optional.empty() : unitName(parts[0]).flatMap(
                        u -> machineId(parts[1]).map(m -> new RegistryKey.State(u, m)));
            }
        } catch (InvalidUnitNameException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static Optional<MachineId> machineId(String text) {
        return MachineId.isValid(text) ? Optional.of(new MachineId(text)) : Optional.empty();
    }

    private static Optional<UnitName> unitName(String text) {
        return text.contains("/") ? Optional.empty() : Optional.of(new UnitName(text));
    }

    /** A key of the layout, decoded. */
    sealed interface RegistryKey {
        /** {@code machines/<id>}. */
        record Machine(MachineId id) implements RegistryKey { }

        /** {@code units/<name>}. */
        record Unit(UnitName name) implements RegistryKey { }

        /** {@code global-units/<name>}. */
        record GlobalUnit(UnitName name) implements RegistryKey { }

        /** {@code schedule/units/<name>}. */
        record Schedule(UnitName unit) implements RegistryKey { }

        /** {@code schedule/machines/<id>/<name>}. */
        record MachineSchedule(MachineId machine, UnitName unit) implements RegistryKey { }

        /** {@code unschedulable/<name>}. */
        record Unschedulable(UnitName unit) implements RegistryKey { }

        /** {@code states/<name>/<id>}. */
        record State(UnitName unit, MachineId machine) implements RegistryKey { }

        /** {@code services/<service>/<unit>/<machine>}. */
        record Endpoint(String service, UnitName unit, MachineId machine) implements RegistryKey { }

        /** {@code drains/<id>}. */
        record Drain(MachineId machine) implements RegistryKey { }

        /** {@code engine/leader}. */
        record Leader() implements RegistryKey { }
    }
}
