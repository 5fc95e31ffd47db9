package dev.flotilla.engine.scheduler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * One machine during a scheduling run: its load and the units on it, with per-glob counters so
 * that "does this machine hold a unit matching glob g?" is a map lookup. Mutable, confined to one
 * run; {@link #load} must only change through {@link MachineQueues#changeLoad}, which keeps the
 * load-ordered sets consistent.
 */
final class Slot {

    final int index;
    final Machine machine;
    final String id;
    /** Units on this machine, global ones included, as unit indexes (so in name order). */
    final TreeSet<Integer> units = new TreeSet<>();
    /** Global units this machine runs, in name order. */
    final List<Integer> globals = new ArrayList<>();
    /** The load-ordered sets this slot is a member of. */
    final List<NavigableSet<Slot>> queues = new ArrayList<>(2);
    int load;
    private final Map<Integer, Integer> conflictMatched = new HashMap<>();
    private final Map<Integer, Integer> conflictOwned = new HashMap<>();
    private final Map<Integer, Integer> replaceMatched = new HashMap<>();
    private final Map<Integer, Integer> replaceOwned = new HashMap<>();

    Slot(int index, Machine machine) {
        this.index = index;
        this.machine = machine;
        this.id = machine.id();
    }

    /** Records unit {@code u} as on this machine (the caller adjusts the load). */
    void add(UnitTable t, int u) {
        units.add(u);
        count(conflictOwned, t.conflictGlobs[u], 1);
        count(conflictMatched, t.conflictMatchedBy[u], 1);
        if (t.global(u)) {
            globals.add(u);
            return;
        }
        count(replaceOwned, t.replaceGlobs[u], 1);
        count(replaceMatched, t.replaceMatchedBy[u], 1);
    }

    /** Forgets non-global unit {@code u} (the caller adjusts the load). */
    void remove(UnitTable t, int u) {
        units.remove(u);
        count(conflictOwned, t.conflictGlobs[u], -1);
        count(conflictMatched, t.conflictMatchedBy[u], -1);
        count(replaceOwned, t.replaceGlobs[u], -1);
        count(replaceMatched, t.replaceMatchedBy[u], -1);
    }

    /** Whether a unit here conflicts with {@code u} (either's glob matching the other); u is not here. */
    boolean anyConflict(UnitTable t, int u) {
        return any(conflictMatched, t.conflictGlobs[u]) || any(conflictOwned, t.conflictMatchedBy[u]);
    }

    /** Whether a unit here replaces {@code u}; u is not here. */
    boolean anyReplacer(UnitTable t, int u) {
        return any(replaceOwned, t.replaceMatchedBy[u]);
    }

    /** Whether {@code u} replaces a (non-global) unit here; u is not here. */
    boolean anyReplaced(UnitTable t, int u) {
        return any(replaceMatched, t.replaceGlobs[u]);
    }

    private static boolean any(Map<Integer, Integer> counts, int[] globs) {
        for (int g : globs) {
            if (counts.containsKey(g)) {
                return true;
            }
        }
        return false;
    }

    private static void count(Map<Integer, Integer> counts, int[] globs, int delta) {
        for (int g : globs) {
            counts.merge(g, delta, (a, b) -> a + b == 0 ? null : a + b);
        }
    }
}
