package dev.flotilla.engine.scheduler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The order units are decided in, and the units the graph of constraints rules out up front.
 * Peers come before their {@code MachineOf} followers, ties by name (Kahn's algorithm over a
 * name-ordered heap); units on a {@code MachineOf} cycle can never be placed and come after the
 * rest of their component. Units that replace each other in a circle are rivals: at most one of
 * two rivals runs, the first placed (units that stay are decided before new ones). The circles
 * are found over both kinds of displacement: A replaces B (placing A moves B), and B is a
 * {@code MachineOf} peer of C (moving B moves C). With rivals never displacing each other, every
 * displacement runs down an acyclic graph, so a pass always ends. Immutable after construction;
 * not shared.
 */
final class Ordering {

    /** Every placeable unit, in the order to decide it. */
    final int[] order;
    /** Per unit, its place in {@link #order}; {@code Integer.MAX_VALUE} for units never placed. */
    final int[] position;
    /** Per unit, the reason it is on a {@code MachineOf} cycle, or null. */
    final String[] cycle;
    /**
     * Per unit, its rivals: units it replaces or is replaced by that are on one displacement circle
     * with it ({@code Replaces} and {@code MachineOf} edges together).
     */
    final int[][] rivals;

    Ordering(UnitTable t) {
        position = new int[t.size];
        Arrays.fill(position, Integer.MAX_VALUE);
        cycle = new String[t.size];
        rivals = new int[t.size][];
        Arrays.fill(rivals, UnitTable.NO_INTS);
        order = dependencyOrder(t);
        for (int i = 0; i < order.length; i++) {
            position[order[i]] = i;
        }
        findRivals(t);
    }

    private int[] dependencyOrder(UnitTable t) {
        boolean[] active = new boolean[t.size];
        for (int u = 0; u < t.size; u++) {
            active[u] = t.placeable(u);
            for (int p : t.peers[u]) {
                if (p == u && active[u]) {
                    cycle[u] = "MachineOf " + t.names[u] + ": a unit cannot follow itself";
                }
            }
        }
        List<Integer> out = new ArrayList<>(t.size);
        kahn(t, active, out);
        if (out.size() == countActive(active)) {
            return toArray(out);
        }
        boolean[] left = active.clone();
        out.forEach(u -> left[u] = false);
        for (int[] component : Graphs.cycles(t.size, t.followers, left)) {
            String members = IntStream.of(component).mapToObj(u -> t.names[u].toString())
                    .collect(Collectors.joining(", "));
            for (int u : component) {
                cycle[u] = component.length == 1 ? "MachineOf " + t.names[u] + ": a unit cannot follow itself"
                        : "MachineOf cycle among " + members;
            }
        }
        List<Integer> cyclic = new ArrayList<>();
        for (int u = 0; u < t.size; u++) {
            if (left[u] && cycle[u] != null) {
                cyclic.add(u);
                left[u] = false;
            }
        }
        out.addAll(cyclic);
        kahn(t, left, out);
        return toArray(out);
    }

    /** Appends the active units whose active peers are all appended, in dependency-then-name order. */
    private static void kahn(UnitTable t, boolean[] active, List<Integer> out) {
        int[] waiting = new int[t.size];
        PriorityQueue<Integer> ready = new PriorityQueue<>();
        for (int u = 0; u < t.size; u++) {
            if (!active[u]) {
                continue;
            }
            for (int p : t.peers[u]) {
                if (p >= 0 && p != u && active[p]) {
                    waiting[u]++;
                }
            }
            if (waiting[u] == 0) {
                ready.add(u);
            }
        }
        while (!ready.isEmpty()) {
            int u = ready.poll();
            out.add(u);
            for (int f : t.followers[u]) {
                if (active[f] && --waiting[f] == 0) {
                    ready.add(f);
                }
            }
        }
    }

    private void findRivals(UnitTable t) {
        boolean[] active = new boolean[t.size];
        int[][] displaces = new int[t.size][];
        for (int u = 0; u < t.size; u++) {
            active[u] = t.placeable(u);
            if (!active[u] || t.replaceGlobs[u].length == 0 && t.followers[u].length == 0) {
                displaces[u] = UnitTable.NO_INTS;
                continue;
            }
            List<Integer> targets = new ArrayList<>();
            for (int g : t.replaceGlobs[u]) {
                for (int x : t.replaceMatches[g]) {
                    if (x != u) {
                        targets.add(x);
                    }
                }
            }
            for (int f : t.followers[u]) {
                targets.add(f);
            }
            displaces[u] = UnitTable.toArray(targets);
        }
        for (int[] component : Graphs.cycles(t.size, displaces, active)) {
            for (int u : component) {
                List<Integer> mine = new ArrayList<>();
                for (int w : component) {
                    if (w != u && (t.replaces(u, w) || t.replaces(w, u))) {
                        mine.add(w);
                    }
                }
                rivals[u] = UnitTable.toArray(mine);
            }
        }
    }

    private static int countActive(boolean[] active) {
        int n = 0;
        for (boolean a : active) {
            n += a ? 1 : 0;
        }
        return n;
    }

    private static int[] toArray(List<Integer> list) {
        return UnitTable.toArray(list);
    }
}
