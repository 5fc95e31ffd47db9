package dev.flotilla.engine.scheduler;

import dev.flotilla.unit.UnitName;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything the scheduler decides from: the live machines and every known unit with its desired
 * state and current machine. The order of the lists does not matter. Immutable.
 *
 * @param machines the live machines (each holds its lease)
 * @param units every unit: templates, instances, plain and global units, in any desired state
 */
public record ClusterSnapshot(List<Machine> machines, List<UnitSpec> units) {

    /**
     * Copies the lists.
     *
     * @throws IllegalArgumentException when two machines share an ID or two units a name
     * @throws NullPointerException when a list or an element is null
     */
    public ClusterSnapshot {
        machines = List.copyOf(machines);
        units = List.copyOf(units);
        Set<String> ids = new HashSet<>();
        for (Machine m : machines) {
            if (!ids.add(m.id())) {
                throw new IllegalArgumentException("machine " + m.id() + " appears twice in the snapshot");
            }
        }
        Set<UnitName> names = new HashSet<>();
        for (UnitSpec u : units) {
            if (!names.add(u.name())) {
                throw new IllegalArgumentException("unit " + u.name() + " appears twice in the snapshot");
            }
        }
    }
}
