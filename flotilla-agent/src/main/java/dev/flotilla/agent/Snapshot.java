package dev.flotilla.agent;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.unit.ContentHash;
import dev.flotilla.unit.UnitName;

/**
 * Desired and actual state of one machine at one moment: the input of {@link Planner#plan}.
 * Immutable.
 *
 * @param desired the units the machine should hold, with their contents
 * @param problems units placed here that cannot run here (no runtime, unparsable contents)
 * @param unresolved units placed here whose contents could not be fetched this time: left alone
 * @param clusterUnits names that dependencies mention, are not desired here, and are units of the
 *     cluster (so a {@code Requires=} on them waits; other names are host units and ignored)
 * @param runtime what the runtimes report, by unit: the units the machine has launched
 * @param loaded the units the machine holds as loaded, with the hash of their contents
 */
record Snapshot(SortedMap<UnitName, DesiredUnit> desired, SortedMap<UnitName, Problem> problems,
        SortedSet<UnitName> unresolved, SortedSet<UnitName> clusterUnits, SortedMap<UnitName, UnitStatus> runtime,
        SortedMap<UnitName, ContentHash> loaded) {

    /** Makes unmodifiable sorted copies. */
    Snapshot {
        desired = Collections.unmodifiableSortedMap(new TreeMap<>(desired));
        problems = Collections.unmodifiableSortedMap(new TreeMap<>(problems));
        unresolved = Collections.unmodifiableSortedSet(new TreeSet<>(unresolved));
        clusterUnits = Collections.unmodifiableSortedSet(new TreeSet<>(clusterUnits));
        runtime = Collections.unmodifiableSortedMap(new TreeMap<>(runtime));
        loaded = Collections.unmodifiableSortedMap(new TreeMap<>(loaded));
    }

    /** A snapshot with only desired and actual units (no problems, nothing unresolved, no cluster units). */
    static Snapshot of(Map<UnitName, DesiredUnit> desired, Map<UnitName, UnitStatus> runtime,
            Map<UnitName, ContentHash> loaded) {
        return new Snapshot(new TreeMap<>(desired), new TreeMap<>(), new TreeSet<>(), new TreeSet<>(),
                new TreeMap<>(runtime), new TreeMap<>(loaded));
    }

    /** This snapshot with other cluster units. */
    Snapshot withClusterUnits(Set<UnitName> names) {
        return new Snapshot(desired, problems, unresolved, new TreeSet<>(names), runtime, loaded);
    }

    /** This snapshot with other unresolved units. */
    Snapshot withUnresolved(Set<UnitName> names) {
        return new Snapshot(desired, problems, new TreeSet<>(names), clusterUnits, runtime, loaded);
    }

    /** Whether the agent must leave the unit as it is this pass (a problem, or contents not fetched). */
    boolean untouchable(UnitName unit) {
        return unresolved.contains(unit) || problems.containsKey(unit);
    }

    /** Whether the unit is wanted on this machine at all (desired, a problem or unresolved). */
    boolean wanted(UnitName unit) {
        return desired.containsKey(unit) || untouchable(unit);
    }
}
