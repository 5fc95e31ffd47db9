package dev.flotilla.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.flotilla.runtime.ActiveState;
import dev.flotilla.runtime.SubState;
import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.unit.UnitName;

/**
 * The agent's reconciler, as a pure function: {@link #plan} turns a {@link Snapshot} (desired vs
 * actual) into the {@link Task}s that close the gap, with no I/O, deterministically (units in name
 * order). The rules, per unit:
 *
 * <ul>
 *   <li>Not wanted here any more: stop it if it runs, then unload it.</li>
 *   <li>Wanted with new contents: load them; a running unit is restarted with them.</li>
 *   <li>Target loaded: stop it if it was launched (the stop releases it back to merely loaded).</li>
 *   <li>Target launched, not launched yet: start it, unless a dependency holds it back (then it
 *       waits, and the reason is published). Launched once and ended by itself (crashed, a oneshot
 *       that finished): left alone; its {@code Restart=} policy decides, not the agent.</li>
 *   <li>Dependencies, between units of this machine: {@code After=X} holds the start back while X
 *       (when X is to run here) has not finished starting. {@code Requires=X} and {@code BindsTo=X}
 *       hold it back while X is a cluster unit not set to run here, or has failed or stopped, or is
 *       restarting; X being started in the same pass does not (no ordering without {@code After=},
 *       as in systemd). A name that is no cluster unit (e.g. {@code etcd.service}) is a host unit
 *       and is ignored. {@code BindsTo=X} also stops a running unit when X stops; it starts again
 *       once X runs (its target is still launched).</li>
 *   <li>Units the snapshot marks untouchable (problems, contents not fetched) are left alone.</li>
 * </ul>
 */
final class Planner {

    private Planner() {
    }

    /** The plan for {@code snapshot}. Never fails; never does I/O. */
    static Plan plan(Snapshot snapshot) {
        List<Task> loads = new ArrayList<>();
        List<Task> stops = new ArrayList<>();
        List<Task> restarts = new ArrayList<>();
        List<Task> starts = new ArrayList<>();
        TreeMap<UnitName, String> waiting = new TreeMap<>();

        TreeSet<UnitName> held = new TreeSet<>(snapshot.runtime().keySet());
        held.addAll(snapshot.loaded().keySet());
        for (UnitName name : held) {
            if (snapshot.wanted(name)) {
                continue;
            }
            UnitStatus status = snapshot.runtime().get(name);
            if (status == null || status.isSettled()) {
                stops.add(new Task.Unload(name));
            } else if (status.active() != ActiveState.DEACTIVATING) {
                stops.add(new Task.Stop(name, "it is no longer scheduled on this machine"));
            }
        }

        for (DesiredUnit unit : snapshot.desired().values()) {
            UnitName name = unit.name();
            UnitStatus status = snapshot.runtime().get(name);
            if (!unit.hash().equals(snapshot.loaded().get(name))) {
                loads.add(new Task.Load(name, unit.definition()));
            }
            if (!unit.launched()) {
                if (status != null && status.active() != ActiveState.DEACTIVATING) {
                    stops.add(new Task.Stop(name, "its desired state is loaded"));
                }
                continue;
            }
            boolean changed = status != null && status.hash().filter(h -> !h.equals(unit.hash())).isPresent();
            if (status != null && !status.isSettled()) {
                if (changed) {
                    restarts.add(new Task.Restart(name, unit.definition()));
                } else if (status.active() != ActiveState.DEACTIVATING) {
                    unboundReason(unit, snapshot).ifPresent(why -> stops.add(new Task.Stop(name, why)));
                }
                continue;
            }
            if (status != null && !changed) {
                continue;
            }
            Optional<String> blocker = blocker(unit, snapshot);
            if (blocker.isPresent()) {
                waiting.put(name, blocker.get());
            } else {
                starts.add(new Task.Start(name, unit.definition()));
            }
        }
        List<Task> tasks = new ArrayList<>(loads);
        tasks.addAll(stops);
        tasks.addAll(restarts);
        tasks.addAll(starts);
        return new Plan(tasks, waiting);
    }

    /** Why {@code unit} may not start now, if something holds it back. */
    static Optional<String> blocker(DesiredUnit unit, Snapshot snapshot) {
        for (UnitName dep : unit.dependencies().after()) {
            DesiredUnit other = snapshot.desired().get(dep);
            if (other == null || !other.launched()) {
                continue; // After= only orders units that start here
            }
            UnitStatus status = snapshot.runtime().get(dep);
            if (status == null) {
                return Optional.of("waiting for " + dep + " to start (After=" + dep + ")");
            }
            if (status.active() == ActiveState.ACTIVATING || status.active() == ActiveState.DEACTIVATING) {
                return Optional.of("waiting for " + dep + ", which is " + status.stateName() + " (After=" + dep + ")");
            }
        }
        for (UnitName dep : unit.dependencies().needed()) {
            Optional<String> down = absence(dep, snapshot, true);
            if (down.isPresent()) {
                return Optional.of("waiting: " + role(unit, dep) + "=" + dep + ", but " + down.get());
            }
        }
        return Optional.empty();
    }

    /** Why a running {@code unit} must stop because a unit it is bound to stopped, if one did. */
    static Optional<String> unboundReason(DesiredUnit unit, Snapshot snapshot) {
        for (UnitName dep : unit.dependencies().bindsTo()) {
            Optional<String> down = absence(dep, snapshot, false);
            if (down.isPresent()) {
                return Optional.of("BindsTo=" + dep + ", but " + down.get());
            }
        }
        return Optional.empty();
    }

    /**
     * Why dependency {@code dep} counts as absent, if it does. For a start ({@code starting}), a
     * unit not launched yet is fine (it is started in the same pass); for a bound unit that runs,
     * it is not.
     */
    private static Optional<String> absence(UnitName dep, Snapshot snapshot, boolean starting) {
        if (snapshot.untouchable(dep)) {
            return starting ? Optional.of(dep + " is not ready on this machine") : Optional.empty();
        }
        DesiredUnit other = snapshot.desired().get(dep);
        if (other == null) {
            return snapshot.clusterUnits().contains(dep)
                    ? Optional.of(dep + " is not scheduled on this machine (MachineOf=" + dep + " keeps them together)")
                    : Optional.empty(); // not a unit of the cluster: a host unit, outside Flotilla's control
        }
        if (!other.launched()) {
            return Optional.of(dep + " is loaded but not started");
        }
        UnitStatus status = snapshot.runtime().get(dep);
        if (status == null) {
            return starting ? Optional.empty() : Optional.of(dep + " is not running");
        }
        if (status.isSettled() || status.active() == ActiveState.DEACTIVATING || status.sub() == SubState.AUTO_RESTART) {
            return Optional.of(dep + " is " + status.stateName());
        }
        return Optional.empty();
    }

    private static String role(DesiredUnit unit, UnitName dep) {
        return unit.dependencies().bindsTo().contains(dep) ? "BindsTo" : "Requires";
    }
}
