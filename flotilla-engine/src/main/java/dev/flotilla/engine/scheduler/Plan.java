package dev.flotilla.engine.scheduler;

import dev.flotilla.unit.UnitName;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the scheduler decided for one snapshot: the schedule changes to make, the units that need a
 * machine but get none (with their reasons), the resulting schedule, and where global units run.
 * Two plans for the same snapshot are equal. Immutable.
 *
 * @param decisions the changes, one at most per unit, ordered by unit name
 * @param unschedulable every unit that needs a machine and gets none, ordered by unit name
 * @param schedule every non-global unit's machine after the decisions are applied, by unit name
 * @param globals for each machine (by ID) that runs global units, those units by name
 */
public record Plan(List<Decision> decisions, List<Unschedulable> unschedulable,
        SortedMap<UnitName, String> schedule, SortedMap<String, List<UnitName>> globals) {

    /** Copies every collection into an unmodifiable one that keeps its order. */
    public Plan {
        decisions = List.copyOf(decisions);
        unschedulable = List.copyOf(unschedulable);
        schedule = Collections.unmodifiableSortedMap(new TreeMap<>(schedule));
        TreeMap<String, List<UnitName>> g = new TreeMap<>();
        globals.forEach((id, units) -> g.put(id, List.copyOf(units)));
        globals = Collections.unmodifiableSortedMap(g);
    }

    /** Whether the plan changes nothing in the schedule (it may still list unschedulable units). */
    public boolean isEmpty() {
        return decisions.isEmpty();
    }

    /** The reasons {@code unit} gets no machine, if it needs one and gets none. Linear in their number. */
    public Optional<Unschedulable> unschedulable(UnitName unit) {
        return unschedulable.stream().filter(u -> u.unit().equals(unit)).findFirst();
    }

    /** The machine {@code unit} is scheduled on after this plan, if any (global units: never). */
    public Optional<String> machineOf(UnitName unit) {
        return Optional.ofNullable(schedule.get(unit));
    }

    /** The global units that machine {@code machineId} runs, by name; empty for an unknown machine. */
    public List<UnitName> globalsOn(String machineId) {
        return globals.getOrDefault(machineId, List.of());
    }

    /** {@link Unschedulable#summary()} of every unschedulable unit, in order. */
    public List<String> summaries() {
        return unschedulable.stream().map(Unschedulable::summary).toList();
    }

    /** The number of units on {@code machineId} after this plan, globals included. Linear in the schedule. */
    public int load(String machineId) {
        int n = globalsOn(machineId).size();
        for (Map.Entry<UnitName, String> e : schedule.entrySet()) {
            if (e.getValue().equals(machineId)) {
                n++;
            }
        }
        return n;
    }
}
