package dev.flotilla.engine;

import dev.flotilla.engine.scheduler.Decision;
import dev.flotilla.engine.scheduler.Plan;
import dev.flotilla.engine.scheduler.Unschedulable;
import dev.flotilla.engine.scheduler.Veto;
import dev.flotilla.registry.MachineId;
import dev.flotilla.registry.RegistrySnapshot;
import dev.flotilla.registry.ScheduleChange;
import dev.flotilla.registry.ScheduleEntry;
import dev.flotilla.registry.UnitRecord;
import dev.flotilla.registry.UnschedulableRecord;
import dev.flotilla.unit.UnitName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The schedule changes that carry out a {@link Plan} planned from a {@link RegistrySnapshot}, each
 * with the {@link dev.flotilla.registry.ScheduleBasis} it was planned against, and nothing else: a
 * plan that changes nothing gives no change, so an idle cluster is never written. Beside the plan's
 * decisions it settles the unschedulable reasons, written only when they differ from the stored
 * ones and cleared when a unit no longer has any. Stateless.
 */
final class PlanChanges {

    /** Reason of a unit whose stored file no longer parses. */
    static final String UNPARSEABLE = "unit file does not parse: ";
    /** Reason of every unit when no machine is registered. */
    static final String NO_MACHINES = "the cluster has no machines";

    /**
     * The changes of one pass.
     *
     * @param changes at most one per unit, by unit name
     * @param decisions the plan's decision behind each change that has one, by unit
     */
    record Batch(List<ScheduleChange> changes, Map<UnitName, Decision> decisions) {
    }

    private PlanChanges() {
    }

    static Batch of(Plan plan, RegistrySnapshot s, Map<UnitName, String> unparseable) {
        Map<UnitName, UnschedulableRecord> reasons = new HashMap<>();
        for (Unschedulable u : plan.unschedulable()) {
            reasons.put(u.unit(), record(u));
        }
        unparseable.forEach((name, error) -> {
            UnitRecord u = s.units().get(name);
            if (u.desiredState().isPlaced() && !name.isTemplate()) {
                reasons.put(name, new UnschedulableRecord(name, List.of(UnschedulableRecord.Reason.everywhere(
                        UNPARSEABLE + error))));
            }
        });

        TreeMap<UnitName, ScheduleChange> changes = new TreeMap<>();
        Map<UnitName, Decision> decisions = new HashMap<>();
        for (Decision d : plan.decisions()) {
            UnitName name = d.unit();
            UnitRecord u = s.units().get(name);
            ScheduleChange change = switch (d) {
                case Decision.Assign a -> new ScheduleChange.Place(ScheduleEntry.of(u, id(a.machineId())), s.basis(name));
                // The move's reason goes with the entry, so that every agent's events stream can say why.
                case Decision.Move m -> new ScheduleChange.Place(ScheduleEntry.of(u, id(m.to())), s.basis(name),
                        Optional.of(m.reason()));
                case Decision.Unassign x -> reasons.containsKey(name)
                        ? new ScheduleChange.MarkUnschedulable(reasons.get(name), s.basis(name))
                        : new ScheduleChange.Unplace(name, s.basis(name));
            };
            changes.put(name, change);
            decisions.put(name, d);
        }
        // New or changed reasons of units that stay unplaced (or, unparseable, must leave their machine).
        reasons.forEach((name, record) -> {
            boolean stale = !record.equals(s.unschedulable().get(name)) || s.schedule().containsKey(name);
            if (!changes.containsKey(name) && stale) {
                changes.put(name, new ScheduleChange.MarkUnschedulable(record, s.basis(name)));
            }
        });
        // Reasons that no longer hold, of units the plan leaves as they are.
        for (UnitName name : s.unschedulable().keySet()) {
            if (!reasons.containsKey(name) && !changes.containsKey(name)) {
                ScheduleEntry entry = s.schedule().get(name);
                UnitRecord u = s.units().get(name);
                changes.put(name, entry != null && u != null && u.desiredState().isPlaced()
                        ? new ScheduleChange.Place(ScheduleEntry.of(u, entry.machineId()), s.basis(name))
                        : new ScheduleChange.Unplace(name, s.basis(name)));
            }
        }
        // Placements the plan keeps whose entry disagrees with the unit (only written by hand), or
        // whose unit is gone (the registry removes both together; only a stray write leaves one).
        s.schedule().forEach((name, entry) -> {
            if (changes.containsKey(name) || unparseable.containsKey(name)) {
                return;
            }
            UnitRecord u = s.units().get(name);
            if (u == null) {
                changes.put(name, new ScheduleChange.Unplace(name, s.basis(name)));
            } else if (u.desiredState().isPlaced() && !ScheduleEntry.of(u, entry.machineId()).equals(entry)) {
                changes.put(name, new ScheduleChange.Place(ScheduleEntry.of(u, entry.machineId()), s.basis(name)));
            }
        });
        return new Batch(new ArrayList<>(changes.values()), decisions);
    }

    /** The stored form of the scheduler's refusal: one reason per machine, its vetoes joined. */
    static UnschedulableRecord record(Unschedulable u) {
        if (u.refusals().isEmpty()) {
            return new UnschedulableRecord(u.unit(), List.of(UnschedulableRecord.Reason.everywhere(NO_MACHINES)));
        }
        List<UnschedulableRecord.Reason> reasons = new ArrayList<>(u.refusals().size());
        for (Unschedulable.Refusal r : u.refusals()) {
            String text = r.vetoes().stream().map(Veto::reason).collect(Collectors.joining(", "));
            reasons.add(UnschedulableRecord.Reason.on(id(r.machineId()), text));
        }
        return new UnschedulableRecord(u.unit(), reasons);
    }

    private static MachineId id(String machineId) {
        return new MachineId(machineId);
    }
}
