package dev.flotilla.engine.scheduler;

import dev.flotilla.unit.FleetOptions;
import dev.flotilla.unit.UnitName;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One scheduling pass over one snapshot. Steps: (1) global units onto every machine whose
 * metadata matches (by name; a global conflicting with an earlier one is left out there); (2) in
 * dependency order, every unit already on a live machine stays if it still fits there; (3) the
 * others, in the same order, go to the least-loaded machine that fits; (4) if step 3 displaced
 * units (Replaces), the units refused so far are tried once more. Whatever moved produces a
 * decision. Single use, single thread.
 */
final class SchedulingRun {

    private static final int NONE = -1;
    private static final int GONE = -2;

    private final UnitTable t;
    private final Slot[] slots;
    private final TreeMap<String, Slot> byId = new TreeMap<>();
    /** Per unit, its slot now, or NONE. */
    private final int[] where;
    /** Per unit, its slot in the snapshot, NONE, or GONE (its machine is not live). */
    private final int[] initial;
    /** Per unit, why it left its snapshot machine (set once, the first time). */
    private final String[] leaveReason;
    private final Unschedulable[] refused;
    private final Ordering o;
    private final Constraints c;
    private final MachineQueues queues;
    private final PriorityQueue<Integer> pending;
    private final boolean[] isPending;
    private final Map<Veto, Veto> vetoes = new HashMap<>();
    private final Map<List<Veto>, List<Veto>> vetoLists = new HashMap<>();
    private final Map<List<Unschedulable.Refusal>, List<Unschedulable.Refusal>> refusalLists = new HashMap<>();
    /** Bumped whenever a unit is placed or removed: refusals memoised at one version hold only for it. */
    private long version;
    private long memoVersion = -1;
    private final Map<RefusalKey, List<Unschedulable.Refusal>> refusedAlike = new HashMap<>();
    private boolean placing;
    private boolean displacedWhilePlacing;

    SchedulingRun(ClusterSnapshot snapshot) {
        t = new UnitTable(snapshot.units());
        List<Machine> machines = new ArrayList<>(snapshot.machines());
        machines.sort(Comparator.comparing(Machine::id));
        slots = new Slot[machines.size()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot(i, machines.get(i));
            byId.put(slots[i].id, slots[i]);
        }
        where = new int[t.size];
        Arrays.fill(where, NONE);
        initial = new int[t.size];
        for (int u = 0; u < t.size; u++) {
            Slot s = t.specs[u].machineId().map(byId::get).orElse(null);
            initial[u] = s != null ? s.index : t.specs[u].machineId().isPresent() ? GONE : NONE;
        }
        leaveReason = new String[t.size];
        refused = new Unschedulable[t.size];
        o = new Ordering(t);
        c = new Constraints(t, o, where, slots);
        queues = new MachineQueues(slots);
        pending = new PriorityQueue<>(Comparator.comparingInt(u -> o.position[u]));
        isPending = new boolean[t.size];
    }

    Plan run() {
        runGlobals();
        keepWhatStillFits();
        placing = true;
        placePending();
        if (displacedWhilePlacing) {
            for (int u = 0; u < t.size; u++) {
                if (refused[u] != null) {
                    enqueue(u);
                }
            }
            placePending();
        }
        return new PlanWriter(t, slots, where, initial, leaveReason, refused).plan();
    }

    private void runGlobals() {
        for (int g = 0; g < t.size; g++) {
            if (!t.global(g)) {
                continue;
            }
            for (Slot s : slots) {
                if (Constraints.metadataFits(t.options(g).machineMetadata(), s.machine.metadata())
                        && !s.anyConflict(t, g)) {
                    s.add(t, g);
                    MachineQueues.changeLoad(s, 1);
                }
            }
        }
    }

    private void keepWhatStillFits() {
        for (int u : o.order) {
            if (initial[u] == GONE) {
                leaveReason[u] = "machine " + Machine.shortId(t.specs[u].machineId().orElseThrow()) + " is gone";
            } else if (initial[u] != NONE) {
                Slot s = slots[initial[u]];
                if (c.fits(u, s, null)) {
                    place(u, s);
                    continue;
                }
                leaveReason[u] = whyItCannotStay(u, s);
            }
            enqueue(u);
        }
    }

    private String whyItCannotStay(int u, Slot s) {
        if (o.cycle[u] != null) {
            return o.cycle[u];
        }
        for (UnitName name : t.options(u).machineOf()) {
            int p = t.indexOf(name);
            if (p >= 0 && p != u && t.placeable(p) && initial[p] == s.index && where[p] != s.index) {
                return "moves with " + name + " (MachineOf)";
            }
        }
        List<Veto> found = new ArrayList<>();
        c.fits(u, s, found);
        Veto first = found.getFirst();
        return first.kind() == Veto.Kind.CONFLICT ? first.reason() + " now on the same machine" : first.reason();
    }

    private void placePending() {
        while (!pending.isEmpty()) {
            int u = pending.poll();
            isPending[u] = false;
            if (where[u] != NONE) {
                continue;
            }
            if (memoVersion != version) {
                refusedAlike.clear();
                memoVersion = version;
            }
            RefusalKey key = refusedAlike.isEmpty() ? null : RefusalKey.of(t, o, initial, u);
            List<Unschedulable.Refusal> alike = key == null ? null : refusedAlike.get(key);
            if (alike != null) {
                refused[u] = new Unschedulable(t.names[u], alike);
                continue;
            }
            Slot s = choose(u);
            if (s == null) {
                refused[u] = refusal(u);
                refusedAlike.put(key != null ? key : RefusalKey.of(t, o, initial, u), refused[u].refusals());
            } else {
                place(u, s);
            }
        }
    }

    /**
     * The machine for {@code u}: its peers' if it has MachineOf, its pin's if MachineID, else the
     * least loaded that fits. A new unit (no machine in the snapshot) with Replaces= first tries
     * the machines of the units it replaces: it takes their place. A unit that moves (its machine
     * died) goes by load like any other, so node loss rarely displaces anything.
     */
    private Slot choose(int u) {
        if (o.cycle[u] != null || c.placedRival(u) >= 0) {
            return null;
        }
        FleetOptions f = t.options(u);
        for (UnitName name : f.machineOf()) {
            int p = t.indexOf(name);
            if (p >= 0 && t.global(p)) {
                continue;
            }
            if (p < 0 || !t.placeable(p) || where[p] == NONE) {
                return null;
            }
            Slot s = slots[where[p]];
            return c.fits(u, s, null) ? s : null;
        }
        if (f.hasRequiredMachine()) {
            Collection<Slot> range = f.machineId().isPresent()
                    ? byId.subMap(f.machineId().get(), true, f.machineId().get() + Character.MAX_VALUE, true).values()
                    : byId.values();
            return leastLoadedFit(u, range);
        }
        if (t.replaceGlobs[u].length > 0 && initial[u] == NONE) {
            TreeSet<Slot> targets = new TreeSet<>(MachineQueues.BY_LOAD);
            for (int g : t.replaceGlobs[u]) {
                for (int x : t.replaceMatches[g]) {
                    if (x != u && where[x] != NONE) {
                        targets.add(slots[where[x]]);
                    }
                }
            }
            Slot s = leastLoadedFit(u, targets);
            if (s != null) {
                return s;
            }
        }
        for (Slot s : queues.matching(f.machineMetadata())) {
            if (c.fits(u, s, null)) {
                return s;
            }
        }
        return null;
    }

    private Slot leastLoadedFit(int u, Collection<Slot> candidates) {
        Slot best = null;
        for (Slot s : candidates) {
            if ((best == null || MachineQueues.BY_LOAD.compare(s, best) < 0) && c.fits(u, s, null)) {
                best = s;
            }
        }
        return best;
    }

    /**
     * Every machine's vetoes for {@code u}. Vetoes, per-machine lists and whole refusal lists are
     * shared between units refused alike (thousands of units needing metadata no machine has would
     * otherwise hold a thousand lists each).
     */
    private Unschedulable refusal(int u) {
        List<Unschedulable.Refusal> refusals = new ArrayList<>(slots.length);
        for (Slot s : slots) {
            List<Veto> v = new ArrayList<>(2);
            c.fits(u, s, v);
            v.replaceAll(veto -> vetoes.computeIfAbsent(veto, k -> k));
            List<Veto> shared = vetoLists.computeIfAbsent(List.copyOf(v), k -> k);
            refusals.add(new Unschedulable.Refusal(s.id, shared));
        }
        return new Unschedulable(t.names[u], refusalLists.computeIfAbsent(List.copyOf(refusals), k -> k));
    }

    private void place(int u, Slot s) {
        for (int[] d : c.displaced(u, s)) {
            String reason = d[1] < 0 ? "replaced by " + t.names[u] : "moves with " + t.names[d[1]] + " (MachineOf)";
            unplace(d[0], s, reason);
        }
        s.add(t, u);
        MachineQueues.changeLoad(s, 1);
        where[u] = s.index;
        version++;
        refused[u] = null;
    }

    private void unplace(int x, Slot s, String reason) {
        s.remove(t, x);
        MachineQueues.changeLoad(s, -1);
        where[x] = NONE;
        version++;
        if (initial[x] == s.index && leaveReason[x] == null) {
            leaveReason[x] = reason;
        }
        displacedWhilePlacing |= placing;
        enqueue(x);
    }

    private void enqueue(int u) {
        if (!isPending[u]) {
            isPending[u] = true;
            pending.add(u);
        }
    }

    /**
     * What a unit's placement depends on besides the state: its options, the globs (of other
     * units) that match its name, its Replaces rivals and MachineOf cycle, and (only with
     * Replaces=, as a new unit prefers the machines of the units it replaces) whether it is new. Two units with equal keys
     * get the same answer from the same state, so one refusal serves both (web@5 to web@9000 with
     * {@code Conflicts=web@*.service} on a full cluster).
     */
    private record RefusalKey(FleetOptions options, List<Integer> conflictMatchedBy, List<Integer> replaceMatchedBy,
            List<Integer> rivals, String cycle, boolean newWithReplaces) {

        static RefusalKey of(UnitTable t, Ordering o, int[] initial, int u) {
            return new RefusalKey(t.options(u), boxed(t.conflictMatchedBy[u]), boxed(t.replaceMatchedBy[u]),
                    boxed(o.rivals[u]), o.cycle[u], t.replaceGlobs[u].length > 0 && initial[u] == NONE);
        }

        private static List<Integer> boxed(int[] a) {
            return a.length == 0 ? List.of() : Arrays.stream(a).boxed().toList();
        }
    }

    /** Turns the run's final state into a {@link Plan}. */
    private record PlanWriter(UnitTable t, Slot[] slots, int[] where, int[] initial, String[] leaveReason,
            Unschedulable[] refused) {

        Plan plan() {
            List<Decision> decisions = new ArrayList<>();
            List<Unschedulable> unschedulable = new ArrayList<>();
            TreeMap<UnitName, String> schedule = new TreeMap<>();
            for (int u = 0; u < t.size; u++) {
                String from = t.specs[u].machineId().orElse(null);
                String to = where[u] == NONE ? null : slots[where[u]].id;
                if (to != null) {
                    schedule.put(t.names[u], to);
                }
                if (refused[u] != null) {
                    unschedulable.add(refused[u]);
                }
                if (from == null && to != null) {
                    decisions.add(new Decision.Assign(t.names[u], to));
                } else if (from != null && to == null) {
                    decisions.add(new Decision.Unassign(t.names[u], from, reason(u)));
                } else if (from != null && !from.equals(to)) {
                    decisions.add(new Decision.Move(t.names[u], from, to, reason(u)));
                }
            }
            TreeMap<String, List<UnitName>> globals = new TreeMap<>();
            for (Slot s : slots) {
                if (!s.globals.isEmpty()) {
                    globals.put(s.id, s.globals.stream().map(g -> t.names[g]).toList());
                }
            }
            return new Plan(decisions, unschedulable, schedule, globals);
        }

        private String reason(int u) {
            return switch (t.roles[u]) {
                case IDLE -> t.specs[u].isTemplate() ? "templates are never scheduled" : "desired state inactive";
                case GLOBAL -> "global units are not scheduled: every machine whose metadata matches runs them";
                case PLACEABLE -> Objects.requireNonNullElse(leaveReason[u], "rescheduled");
            };
        }
    }
}
