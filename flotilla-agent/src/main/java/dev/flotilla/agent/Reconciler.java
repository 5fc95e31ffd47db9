package dev.flotilla.agent;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import dev.flotilla.registry.Machine;
import dev.flotilla.registry.Registry;
import dev.flotilla.runtime.ActiveState;
import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.store.StoreException;
import dev.flotilla.unit.ContentHash;
import dev.flotilla.unit.UnitDefinition;
import dev.flotilla.unit.UnitName;

/**
 * One reconcile pass, fleet's {@code agent/reconcile.go} shape: snapshot (the registry view with
 * contents resolved, the runtimes' statuses, the loaded set), plan ({@link Planner}, pure), execute
 * ({@link TaskRunner}), then publish the states that changed ({@link StateBook}) and bring the
 * service endpoints in step ({@link ServiceRegistrar}). Confined to the
 * reconcile thread.
 */
final class Reconciler {

    /**
     * What a pass left the machine holding.
     *
     * @param units units wanted here (placed, or global and matching)
     * @param globals how many of them are global units
     * @param running how many of them are active or activating
     * @param failedTasks tasks that failed or could not be done yet (a later pass retries)
     */
    record Outcome(int units, int globals, int running, int failedTasks) { }

    private final Registry registry;
    private final SnapshotBuilder snapshots;
    private final Definitions definitions;
    private final TaskRunner runner;
    private final Runtimes runtimes;
    private final Map<UnitName, UnitDefinition> loaded;
    private final ServiceRegistrar services;

    Reconciler(Registry registry, SnapshotBuilder snapshots, Definitions definitions, TaskRunner runner,
            Runtimes runtimes, Map<UnitName, UnitDefinition> loaded, ServiceRegistrar services) {
        this.registry = registry;
        this.snapshots = snapshots;
        this.definitions = definitions;
        this.runner = runner;
        this.runtimes = runtimes;
        this.loaded = loaded;
        this.services = services;
    }

    /**
     * Runs one pass in {@code session}. With {@code resync} (or after its watch ended) it first
     * re-reads the view and registers the machine again (both write nothing when nothing changed).
     * Tasks run only while {@code current} holds; nothing is published once it does not.
     *
     * @throws dev.flotilla.store.LeaseNotFoundException when the session's lease is gone
     * @throws StoreException when the store fails (a later pass retries)
     */
    Outcome pass(Session session, boolean resync, Supplier<Machine> machine, BooleanSupplier current)
            throws StoreException {
        if (resync || session.watchEnded()) {
            session.refresh();
            registry.machines().register(machine.get(), session.lease.id());
            definitions.forgetClusterUnits();
        }
        Snapshot snapshot = snapshots.build(session.view(), runtimes.statuses(), loadedHashes());
        Plan plan = Planner.plan(snapshot);
        int failed = runner.execute(plan.tasks(), current);
        Map<UnitName, UnitStatus> now = runtimes.statuses();
        if (current.getAsBoolean()) {
            session.states.publish(snapshot, now, loadedHashes(), plan.waiting());
            services.sync(snapshot.desired(), now, session.lease.id());
        }
        int running = (int) now.values().stream().filter(s -> snapshot.desired().containsKey(s.unit()))
                .filter(s -> s.active() == ActiveState.ACTIVE || s.active() == ActiveState.ACTIVATING).count();
        int globals = (int) snapshot.desired().values().stream().filter(DesiredUnit::global).count();
        return new Outcome(snapshot.desired().size(), globals, running, failed);
    }

    private Map<UnitName, ContentHash> loadedHashes() {
        TreeMap<UnitName, ContentHash> out = new TreeMap<>();
        loaded.forEach((unit, definition) -> out.put(unit, definition.hash()));
        return out;
    }
}
