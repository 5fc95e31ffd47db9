package dev.flotilla.agent;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.flotilla.registry.DesiredState;
import dev.flotilla.registry.GlobalUnitEntry;
import dev.flotilla.registry.MachineView;
import dev.flotilla.registry.ScheduleEntry;
import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.store.StoreException;
import dev.flotilla.unit.ContentHash;
import dev.flotilla.unit.FleetOptions;
import dev.flotilla.unit.MachineFacts;
import dev.flotilla.unit.UnitDefinition;
import dev.flotilla.unit.UnitName;

/**
 * Builds the reconciler's {@link Snapshot} from the machine's registry view and what its runtimes
 * and loaded set hold: resolves contents (through {@link Definitions}), picks the global units
 * whose {@code MachineMetadata=} matches this machine (of two that conflict, the first by name, as
 * the scheduler counts them), routes units to runtimes, and finds which dependencies are cluster
 * units. The only part of a pass that reads the store besides publishing. Confined to the
 * reconcile thread.
 */
final class SnapshotBuilder {

    private final Definitions definitions;
    private final Runtimes runtimes;
    private final MachineFacts facts;
    private final Map<String, String> metadata;
    /**
     * Each wanted unit's dependencies, read from its file once per contents rather than on every
     * pass (a pass reads every unit of the machine; at a hundred units per machine re-reading them
     * was most of a pass's time, docs/benchmarks/notes/scale.md).
     */
    private final Map<UnitName, KnownDependencies> dependencies = new HashMap<>();

    private record KnownDependencies(ContentHash hash, Dependencies dependencies) {
    }

    SnapshotBuilder(Definitions definitions, Runtimes runtimes, MachineFacts facts, Map<String, String> metadata) {
        this.definitions = definitions;
        this.runtimes = runtimes;
        this.facts = facts;
        this.metadata = Map.copyOf(metadata);
    }

    /**
     * The snapshot of {@code view} against {@code runtime} and {@code loaded}.
     *
     * @throws StoreException when fetching contents or asking about a dependency fails
     */
    Snapshot build(MachineView view, SortedMap<UnitName, UnitStatus> runtime, Map<UnitName, ContentHash> loaded)
            throws StoreException {
        TreeMap<UnitName, DesiredUnit> desired = new TreeMap<>();
        TreeMap<UnitName, Problem> problems = new TreeMap<>();
        TreeSet<UnitName> unresolved = new TreeSet<>();
        for (ScheduleEntry entry : view.scheduled().values()) {
            add(entry.unit(), entry.hash(), entry.desiredState(), null, desired, problems, unresolved);
        }
        // By name (the view is sorted), as the scheduler places global units: it counts them toward the
        // machine's load and keeps conflicting units off it, so the agent must run the same ones.
        Map<UnitName, FleetOptions> globalsHere = new TreeMap<>();
        for (GlobalUnitEntry entry : view.globals().values()) {
            if (!view.scheduled().containsKey(entry.unit()) && entry.desiredState().isPlaced()) {
                add(entry.unit(), entry.hash(), entry.desiredState(), globalsHere, desired, problems, unresolved);
            }
        }
        Set<UnitName> keep = new HashSet<>(desired.keySet());
        keep.addAll(problems.keySet());
        keep.addAll(unresolved);
        definitions.retain(keep);
        dependencies.keySet().retainAll(keep);

        TreeSet<UnitName> clusterUnits = new TreeSet<>();
        for (DesiredUnit unit : desired.values()) {
            for (UnitName dep : unit.dependencies().needed()) {
                if (!desired.containsKey(dep) && !unresolved.contains(dep) && definitions.isClusterUnit(dep)) {
                    clusterUnits.add(dep);
                }
            }
        }
        return new Snapshot(desired, problems, unresolved, clusterUnits, runtime, new TreeMap<>(loaded));
    }

    /**
     * Adds the unit to the snapshot.
     *
     * @param globalsHere null for a placed unit; for a global unit, the global units that run here so far
     *     (earlier by name), to which it is added if it runs here too
     */
    private void add(UnitName name, ContentHash hash, DesiredState state, Map<UnitName, FleetOptions> globalsHere,
            Map<UnitName, DesiredUnit> desired, Map<UnitName, Problem> problems, Set<UnitName> unresolved)
            throws StoreException {
        boolean global = globalsHere != null;
        switch (definitions.resolve(name, hash)) {
            case Definitions.Resolved.Ok ok -> {
                FleetOptions fleet = ok.definition().fleet();
                if (global && !fleet.allowsMetadata(metadata)) {
                    return; // a global unit for other machines
                }
                if (global && conflictsWithAny(name, fleet, globalsHere)) {
                    return; // an earlier global unit runs here instead, as the scheduler decided
                }
                if (global) {
                    globalsHere.put(name, fleet);
                }
                if (runtimes.forUnit(name).isEmpty()) {
                    problems.put(name, new Problem(hash, "not-found", "no runtime on this machine runs ."
                            + name.type() + " units"));
                    return;
                }
                DesiredUnit.Target target = state == DesiredState.LAUNCHED ? DesiredUnit.Target.LAUNCHED
                        : DesiredUnit.Target.LOADED;
                desired.put(name, new DesiredUnit(ok.definition(), hash, target, global,
                        dependencies(name, hash, ok.definition())));
            }
            case Definitions.Resolved.Broken broken -> {
                if (!global) {
                    problems.put(name, new Problem(hash, "error", broken.reason()));
                }
            }
            case Definitions.Resolved.Unavailable unavailable -> unresolved.add(name);
        }
    }

    private Dependencies dependencies(UnitName name, ContentHash hash, UnitDefinition definition) {
        KnownDependencies known = dependencies.get(name);
        if (known == null || !known.hash().equals(hash)) {
            known = new KnownDependencies(hash, Dependencies.of(definition, facts));
            dependencies.put(name, known);
        }
        return known.dependencies();
    }

    /** Whether {@code name} conflicts with one of {@code others}, in either direction (fleet checks both). */
    private static boolean conflictsWithAny(UnitName name, FleetOptions fleet, Map<UnitName, FleetOptions> others) {
        for (Map.Entry<UnitName, FleetOptions> other : others.entrySet()) {
            if (fleet.conflictsWith(name, other.getKey()) || other.getValue().conflictsWith(other.getKey(), name)) {
                return true;
            }
        }
        return false;
    }
}
