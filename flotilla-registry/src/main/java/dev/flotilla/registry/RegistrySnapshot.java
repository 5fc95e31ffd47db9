package dev.flotilla.registry;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.flotilla.unit.UnitName;

/**
 * The whole registry as of one store revision: what the engine plans from. Read with
 * {@link Registry#snapshot()}; kept current with {@link #withEvents} from a watch started at
 * {@code revision + 1}. Immutable (every collection is unmodifiable) and thread-safe.
 *
 * @param revision the store revision the snapshot reflects
 * @param machines the registered machines, by ID
 * @param units every unit, by name
 * @param schedule every placement, by unit
 * @param unschedulable the recorded reasons why units are not placed, by unit
 * @param states every published unit state, sorted by unit, then machine
 * @param leader the engine leader, when one leads
 * @param unitRevisions each unit key's modification revision, the {@link ScheduleBasis} of plans
 * @param scheduleRevisions each schedule entry's modification revision, likewise
 * @param drains the drained machines ({@code drains/}), by ID; a drain may name a machine that is not registered
 */
public record RegistrySnapshot(long revision, SortedMap<MachineId, Machine> machines,
        SortedMap<UnitName, UnitRecord> units, SortedMap<UnitName, ScheduleEntry> schedule,
        SortedMap<UnitName, UnschedulableRecord> unschedulable, List<UnitStateRecord> states,
        Optional<Leadership> leader, Map<UnitName, Long> unitRevisions, Map<UnitName, Long> scheduleRevisions,
        SortedMap<MachineId, Drain> drains) {

    /** Makes every collection an unmodifiable copy. */
    public RegistrySnapshot {
        machines = Collections.unmodifiableSortedMap(new TreeMap<>(machines));
        units = Collections.unmodifiableSortedMap(new TreeMap<>(units));
        schedule = Collections.unmodifiableSortedMap(new TreeMap<>(schedule));
        unschedulable = Collections.unmodifiableSortedMap(new TreeMap<>(unschedulable));
        states = List.copyOf(states);
        Objects.requireNonNull(leader, "leader");
        unitRevisions = Map.copyOf(unitRevisions);
        scheduleRevisions = Map.copyOf(scheduleRevisions);
        drains = Collections.unmodifiableSortedMap(new TreeMap<>(drains));
    }

    /** A snapshot without drains (as before drains existed; tests build these). */
    public RegistrySnapshot(long revision, SortedMap<MachineId, Machine> machines,
            SortedMap<UnitName, UnitRecord> units, SortedMap<UnitName, ScheduleEntry> schedule,
            SortedMap<UnitName, UnschedulableRecord> unschedulable, List<UnitStateRecord> states,
            Optional<Leadership> leader, Map<UnitName, Long> unitRevisions, Map<UnitName, Long> scheduleRevisions) {
        this(revision, machines, units, schedule, unschedulable, states, leader, unitRevisions, scheduleRevisions,
                new TreeMap<>());
    }

    /**
     * What a change to {@code unit} planned from this snapshot is based on; an unknown unit gives
     * a basis that only holds while the unit does not exist.
     */
    public ScheduleBasis basis(UnitName unit) {
        ScheduleEntry entry = schedule.get(unit);
        return new ScheduleBasis(unitRevisions.getOrDefault(unit, 0L),
                Optional.ofNullable(entry).map(ScheduleEntry::machineId),
                entry == null ? 0 : scheduleRevisions.getOrDefault(unit, 0L));
    }

    /** The units placed on {@code machine}, by name. */
    public SortedMap<UnitName, ScheduleEntry> scheduledOn(MachineId machine) {
        TreeMap<UnitName, ScheduleEntry> out = new TreeMap<>();
        schedule.forEach((unit, entry) -> {
            if (entry.machineId().equals(machine)) {
                out.put(unit, entry);
            }
        });
        return Collections.unmodifiableSortedMap(out);
    }

    /** The published states of {@code unit}, by machine. */
    public List<UnitStateRecord> statesOf(UnitName unit) {
        return states.stream().filter(s -> s.unit().equals(unit)).toList();
    }

    /** The states published by {@code machine}, by unit. */
    public List<UnitStateRecord> statesOn(MachineId machine) {
        return states.stream().filter(s -> s.machineId().equals(machine)).toList();
    }

    /**
     * This snapshot with {@code events} applied: equal to a snapshot read at the last event's
     * revision. Events at or below {@link #revision} are ignored, so a batch applied twice changes
     * nothing. Does not modify this snapshot.
     */
    public RegistrySnapshot withEvents(List<RegistryEvent> events) {
        SnapshotBuilder builder = new SnapshotBuilder(this);
        for (RegistryEvent e : events) {
            if (e.revision() > revision) {
                builder.apply(e);
            }
        }
        return builder.build();
    }
}
