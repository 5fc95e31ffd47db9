package dev.flotilla.engine;

import dev.flotilla.registry.RegistryEvent;
import dev.flotilla.registry.ScheduleChange;
import dev.flotilla.unit.UnitName;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tells which watch events need a new pass. The leader's own writes come back through its watch;
 * planning again on them would change nothing (a plan, once applied, plans to nothing), so they
 * are folded into the snapshot without starting a pass. Unit states and service endpoints published by
 * agents never change a plan either. Everything else (machines, units, placements or reasons written by anyone
 * else, the leader key) does. Used by one thread (the engine's).
 */
final class Echoes {

    /** Applied changes whose events have not all come back yet, by unit. */
    private final Map<UnitName, ScheduleChange> expected = new HashMap<>();
    /** The revision of the last write of those changes: every echo is at or below it. */
    private long upTo;

    /** The leader wrote {@code applied}, the last of it at store revision {@code revision}. */
    void expect(List<ScheduleChange> applied, long revision) {
        for (ScheduleChange c : applied) {
            expected.put(c.unit(), c);
        }
        upTo = Math.max(upTo, revision);
    }

    /** Whether any of {@code events} (in revision order) may change the next plan. */
    boolean anyRelevant(List<RegistryEvent> events) {
        boolean relevant = false;
        for (RegistryEvent e : events) {
            relevant |= isRelevant(e);
        }
        return relevant;
    }

    private boolean isRelevant(RegistryEvent event) {
        if (event.revision() > upTo && !expected.isEmpty()) {
            expected.clear(); // the watch is ordered: every echo has come back
        }
        return switch (event) {
            case RegistryEvent.StateChanged e -> false;
            case RegistryEvent.StateRemoved e -> false;
            case RegistryEvent.GlobalUnitChanged e -> false;
            case RegistryEvent.GlobalUnitRemoved e -> false;
            case RegistryEvent.EndpointChanged e -> false;
            case RegistryEvent.EndpointRemoved e -> false;
            case RegistryEvent.ScheduleChanged e ->
                    !(expected.get(e.entry().unit()) instanceof ScheduleChange.Place p && p.entry().equals(e.entry()));
            case RegistryEvent.ScheduleRemoved e -> !(expected.get(e.unit()) instanceof ScheduleChange.Unplace
                    || expected.get(e.unit()) instanceof ScheduleChange.MarkUnschedulable);
            case RegistryEvent.UnschedulableChanged e -> !(expected.get(e.record().unit())
                    instanceof ScheduleChange.MarkUnschedulable m && m.record().equals(e.record()));
            case RegistryEvent.UnschedulableCleared e -> !(expected.get(e.unit()) instanceof ScheduleChange.Place
                    || expected.get(e.unit()) instanceof ScheduleChange.Unplace);
            case RegistryEvent.MachineJoined e -> true;
            case RegistryEvent.MachineUpdated e -> true;
            case RegistryEvent.MachineLeft e -> true;
            case RegistryEvent.UnitChanged e -> true;
            case RegistryEvent.UnitRemoved e -> true;
            case RegistryEvent.LeaderElected e -> true;
            case RegistryEvent.LeaderGone e -> true;
            case RegistryEvent.DrainChanged e -> true;
            case RegistryEvent.DrainCleared e -> true;
        };
    }

    /** Forgets every expectation (a fresh snapshot was read; its watch is new). */
    void clear() {
        expected.clear();
        upTo = 0;
    }
}
