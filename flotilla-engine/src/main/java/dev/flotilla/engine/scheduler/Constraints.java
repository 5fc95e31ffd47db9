package dev.flotilla.engine.scheduler;

import dev.flotilla.engine.scheduler.Veto.Kind;
import dev.flotilla.unit.FleetOptions;
import dev.flotilla.unit.UnitName;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The constraint checks of one run: may unit u go on machine s, given where every other unit is
 * now? In the fast mode (no sink) a check stops at the first refusal and builds no text; with a
 * sink it collects every veto, in a fixed order (circular Replaces, a drain, MachineID, metadata,
 * MachineOf or its cycle, conflicts, replaced-by), for the user. Reads the run's state; confined to the run.
 */
final class Constraints {

    private final UnitTable t;
    private final Ordering o;
    private final int[] where;
    private final Slot[] slots;

    Constraints(UnitTable t, Ordering o, int[] where, Slot[] slots) {
        this.t = t;
        this.o = o;
        this.where = where;
        this.slots = slots;
    }

    /**
     * Whether {@code u} (on no machine now) may go on {@code s}. Units that {@code u} replaces on
     * {@code s} do not count against it: placing it moves them away.
     *
     * @param sink null to stop at the first refusal; else receives every veto
     */
    boolean fits(int u, Slot s, List<Veto> sink) {
        FleetOptions f = t.options(u);
        if (sink == null) {
            return o.cycle[u] == null && placedRival(u) < 0 && fitsMachine(f, s, null) && peersHere(u, f, s, null)
                    && neighbours(u, s, null);
        }
        int before = sink.size();
        if (placedRival(u) >= 0) {
            veto(sink, Kind.REPLACED, "replaced by " + t.names[placedRival(u)] + " (they replace each other)");
        }
        fitsMachine(f, s, sink);
        if (o.cycle[u] != null) {
            veto(sink, Kind.MACHINE_OF, o.cycle[u]);
        } else {
            peersHere(u, f, s, sink);
        }
        neighbours(u, s, sink);
        return sink.size() == before;
    }

    /** The first rival of {@code u} (circular {@code Replaces}) that is on a machine now, or -1. */
    int placedRival(int u) {
        for (int r : o.rivals[u]) {
            if (where[r] >= 0) {
                return r;
            }
        }
        return -1;
    }

    /** Whether {@code requirement} (key to accepted values) accepts {@code metadata}. */
    static boolean metadataFits(Map<String, Set<String>> requirement, Map<String, String> metadata) {
        for (Map.Entry<String, Set<String>> want : requirement.entrySet()) {
            String have = metadata.get(want.getKey());
            if (have == null || !want.getValue().contains(have)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The units that placing {@code u} on {@code s} moves away, in order: each unit it replaces
     * there (by name), then, transitively, their {@code MachineOf} followers there. Each entry is
     * {@code {unit, cause}}, cause -1 for a replaced unit, else the peer the follower moves with.
     */
    List<int[]> displaced(int u, Slot s) {
        List<int[]> out = new ArrayList<>();
        if (!s.anyReplaced(t, u)) {
            return out;
        }
        Set<Integer> seen = new LinkedHashSet<>();
        for (int x : s.units) {
            if (t.placeable(x) && t.replaces(u, x)) {
                out.add(new int[] {x, -1});
                seen.add(x);
            }
        }
        for (int i = 0; i < out.size(); i++) {
            int x = out.get(i)[0];
            for (int follower : t.followers[x]) {
                if (where[follower] == s.index && seen.add(follower)) {
                    out.add(new int[] {follower, x});
                }
            }
        }
        return out;
    }

    private boolean fitsMachine(FleetOptions f, Slot s, List<Veto> sink) {
        boolean ok = true;
        if (s.machine.draining()) {
            ok = veto(sink, Kind.DRAINED, "machine " + s.machine.shortId() + " is " + s.machine.drain());
            if (sink == null) {
                return false;
            }
        }
        if (f.machineId().isPresent() && !f.allowsMachine(s.id)) {
            ok = veto(sink, Kind.MACHINE_ID, "not machine " + f.machineId().get() + " (MachineID)");
            if (sink == null) {
                return false;
            }
        }
        if (f.machineBootId().isPresent() && !idMatches(f.machineBootId().get(), s.machine.bootId())) {
            ok = veto(sink, Kind.MACHINE_ID, "not boot " + f.machineBootId().get() + " (MachineBootID)");
            if (sink == null) {
                return false;
            }
        }
        for (Map.Entry<String, Set<String>> want : f.machineMetadata().entrySet()) {
            String have = s.machine.metadata().get(want.getKey());
            if (have == null || !want.getValue().contains(have)) {
                if (sink == null) {
                    return false;
                }
                ok = veto(sink, Kind.METADATA, "metadata " + want.getValue().stream()
                        .map(v -> want.getKey() + "=" + v).collect(Collectors.joining(" or ")) + " does not match");
            }
        }
        return ok;
    }

    private boolean peersHere(int u, FleetOptions f, Slot s, List<Veto> sink) {
        boolean ok = true;
        for (UnitName name : f.machineOf()) {
            int p = t.indexOf(name);
            if (p == u) {
                continue; // reported as a cycle
            }
            String why = null;
            if (p < 0 || t.roles[p] == UnitTable.Role.IDLE || t.placeable(p) && where[p] < 0) {
                why = name + " is not scheduled";
            } else if (t.global(p) && !s.globals.contains(p)) {
                why = name + " does not run here";
            } else if (t.placeable(p) && where[p] != s.index) {
                why = name + " is on " + slots[where[p]].machine.shortId();
            }
            if (why != null) {
                if (sink == null) {
                    return false;
                }
                ok = veto(sink, Kind.MACHINE_OF, "MachineOf " + name + ": " + why);
            }
        }
        return ok;
    }

    /** Conflicts, replaced-by, and whether moving the units u replaces would take u's own peers. */
    private boolean neighbours(int u, Slot s, List<Veto> sink) {
        boolean conflict = s.anyConflict(t, u);
        boolean replacer = s.anyReplacer(t, u);
        boolean displaces = s.anyReplaced(t, u);
        if (!conflict && !replacer && !displaces) {
            return true;
        }
        if (sink == null && !displaces) {
            return false; // a rival would have been refused before (placedRival), so any replacer counts
        }
        Set<Integer> leaving = new LinkedHashSet<>();
        displaced(u, s).forEach(d -> leaving.add(d[0]));
        boolean ok = true;
        for (int x : s.units) {
            if (leaving.contains(x)) {
                continue;
            }
            if (conflict && t.conflict(u, x)) {
                if (sink == null) {
                    return false;
                }
                ok = veto(sink, Kind.CONFLICT, "conflicts with " + t.names[x]);
            }
            if (replacer && t.placeable(x) && t.replaces(x, u) && !rivals(u, x)) {
                if (sink == null) {
                    return false;
                }
                ok = veto(sink, Kind.REPLACED, "replaced by " + t.names[x]);
            }
        }
        for (UnitName name : t.options(u).machineOf()) {
            int p = t.indexOf(name);
            if (p >= 0 && leaving.contains(p)) {
                if (sink == null) {
                    return false;
                }
                ok = veto(sink, Kind.MACHINE_OF, "MachineOf " + name + ": the units this unit replaces here take "
                        + name + " with them");
            }
        }
        return ok;
    }

    private boolean rivals(int u, int x) {
        for (int r : o.rivals[u]) {
            if (r == x) {
                return true;
            }
        }
        return false;
    }

    /** A full ID must be equal; an 8-character one is a prefix, as fleet matched short IDs. */
    private static boolean idMatches(String want, String have) {
        return want.length() == 8 ? have.startsWith(want) : have.equals(want);
    }

    /** Adds a veto when collecting; returns false (the check failed) either way. */
    private static boolean veto(List<Veto> sink, Kind kind, String reason) {
        if (sink != null) {
            sink.add(new Veto(kind, reason));
        }
        return false;
    }
}
