package dev.flotilla.engine.scheduler;

import dev.flotilla.unit.FleetOptions;
import dev.flotilla.unit.UnitGlob;
import dev.flotilla.unit.UnitName;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The snapshot's units, indexed by position in name order (so comparing indexes compares names),
 * with what the constraint checks need precomputed: each unit's role, its {@code MachineOf} peers
 * and followers, and {@code Conflicts}/{@code Replaces} globs turned into integer IDs with, per
 * unit, the globs that match it. A glob is matched against the units only once, and only against
 * the names that start with its literal prefix. Immutable after construction; not shared.
 */
final class UnitTable {

    /** What the scheduler does with a unit. */
    enum Role {
        /** Needs exactly one machine. */
        PLACEABLE,
        /** Runs on every machine whose metadata matches; never placed. */
        GLOBAL,
        /** A template or an inactive unit: runs nowhere. */
        IDLE
    }

    /** Shared by every unit with nothing to list: most units have no constraints. */
    static final int[] NO_INTS = new int[0];

    final int size;
    final UnitSpec[] specs;
    final UnitName[] names;
    final Role[] roles;
    /** Per unit, its {@code MachineOf} peers as indexes, -1 for a peer not in the snapshot. */
    final int[][] peers;
    /** Per placeable unit, the placeable units that name it in {@code MachineOf}. */
    final int[][] followers;
    /** Per unit, IDs of its own {@code Conflicts} globs. */
    final int[][] conflictGlobs;
    /** Per unit, IDs of the {@code Conflicts} globs (of any unit) that match it. */
    final int[][] conflictMatchedBy;
    /** Per unit, IDs of its own {@code Replaces} globs. */
    final int[][] replaceGlobs;
    /** Per unit, IDs of the {@code Replaces} globs (of any unit) that match it. */
    final int[][] replaceMatchedBy;
    /** Per {@code Replaces} glob ID, the placeable units it matches. */
    final int[][] replaceMatches;
    private final Map<UnitName, Integer> index = new HashMap<>();

    UnitTable(List<UnitSpec> units) {
        specs = units.toArray(UnitSpec[]::new);
        Arrays.sort(specs, Comparator.comparing(UnitSpec::name));
        size = specs.length;
        names = new UnitName[size];
        roles = new Role[size];
        for (int u = 0; u < size; u++) {
            names[u] = specs[u].name();
            index.put(names[u], u);
            roles[u] = roleOf(specs[u]);
        }
        peers = new int[size][];
        followers = peersAndFollowers();
        GlobIndex conflicts = new GlobIndex(u -> roles[u] != Role.IDLE, FleetOptions::conflicts);
        conflictGlobs = conflicts.own;
        conflictMatchedBy = conflicts.matchedBy;
        GlobIndex replaces = new GlobIndex(u -> roles[u] == Role.PLACEABLE, FleetOptions::replaces);
        replaceGlobs = replaces.own;
        replaceMatchedBy = replaces.matchedBy;
        replaceMatches = replaces.matches;
    }

    /** The index of {@code name}, or -1 when the snapshot does not hold it. */
    int indexOf(UnitName name) {
        Integer u = index.get(name);
        return u == null ? -1 : u;
    }

    FleetOptions options(int u) {
        return specs[u].options();
    }

    boolean placeable(int u) {
        return roles[u] == Role.PLACEABLE;
    }

    boolean global(int u) {
        return roles[u] == Role.GLOBAL;
    }

    /** Whether either unit's {@code Conflicts=} matches the other (never a unit with itself). */
    boolean conflict(int a, int b) {
        return options(a).conflictsWith(names[a], names[b]) || options(b).conflictsWith(names[b], names[a]);
    }

    /** Whether {@code a}'s {@code Replaces=} matches {@code b} (never a unit itself). */
    boolean replaces(int a, int b) {
        return options(a).replacesUnit(names[a], names[b]);
    }

    private static Role roleOf(UnitSpec u) {
        if (u.isTemplate() || !u.desiredState().needsMachine()) {
            return Role.IDLE;
        }
        return u.isGlobal() ? Role.GLOBAL : Role.PLACEABLE;
    }

    private int[][] peersAndFollowers() {
        List<List<Integer>> follow = new ArrayList<>(size);
        for (int u = 0; u < size; u++) {
            follow.add(null);
        }
        for (int u = 0; u < size; u++) {
            if (options(u).machineOf().isEmpty()) {
                peers[u] = NO_INTS;
                continue;
            }
            Set<Integer> mine = new LinkedHashSet<>();
            for (UnitName p : options(u).machineOf()) {
                mine.add(indexOf(p));
            }
            peers[u] = toArray(new ArrayList<>(mine));
            if (roles[u] != Role.PLACEABLE) {
                continue;
            }
            for (int p : peers[u]) {
                if (p >= 0 && roles[p] == Role.PLACEABLE && p != u) {
                    if (follow.get(p) == null) {
                        follow.set(p, new ArrayList<>(2));
                    }
                    follow.get(p).add(u);
                }
            }
        }
        int[][] out = new int[size][];
        for (int u = 0; u < size; u++) {
            out[u] = toArray(follow.get(u));
        }
        return out;
    }

    static int[] toArray(List<Integer> list) {
        if (list == null || list.isEmpty()) {
            return NO_INTS;
        }
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }

    /** Globs of one kind ({@code Conflicts} or {@code Replaces}) with their matches. */
    private final class GlobIndex {
        final int[][] own = new int[size][];
        final int[][] matchedBy = new int[size][];
        final int[][] matches;

        GlobIndex(java.util.function.IntPredicate owns, Function<FleetOptions, List<UnitGlob>> globsOf) {
            Map<String, Integer> ids = new HashMap<>();
            List<UnitGlob> globs = new ArrayList<>();
            for (int u = 0; u < size; u++) {
                List<UnitGlob> globsOfU = owns.test(u) ? globsOf.apply(options(u)) : List.of();
                if (globsOfU.isEmpty()) {
                    own[u] = NO_INTS;
                    continue;
                }
                Set<Integer> mine = new LinkedHashSet<>();
                for (UnitGlob g : globsOfU) {
                    Integer id = ids.get(g.pattern());
                    if (id == null) {
                        id = globs.size();
                        ids.put(g.pattern(), id);
                        globs.add(g);
                    }
                    mine.add(id);
                }
                own[u] = toArray(new ArrayList<>(mine));
            }
            matches = new int[globs.size()][];
            List<List<Integer>> by = new ArrayList<>(size);
            for (int u = 0; u < size; u++) {
                by.add(null);
            }
            for (int g = 0; g < globs.size(); g++) {
                UnitGlob glob = globs.get(g);
                String prefix = literalPrefix(glob.pattern());
                List<Integer> hits = new ArrayList<>();
                for (int u = lowerBound(prefix); u < size && names[u].name().startsWith(prefix); u++) {
                    if (owns.test(u) && glob.matches(names[u])) {
                        hits.add(u);
                        if (by.get(u) == null) {
                            by.set(u, new ArrayList<>(2));
                        }
                        by.get(u).add(g);
                    }
                }
                matches[g] = toArray(hits);
            }
            for (int u = 0; u < size; u++) {
                matchedBy[u] = toArray(by.get(u));
            }
        }

        /** The first index whose name is not below {@code prefix}. */
        private int lowerBound(String prefix) {
            int lo = 0;
            int hi = size;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (names[mid].name().compareTo(prefix) < 0) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }

    /** The part of a glob before its first wildcard or escape: every match starts with it. */
    static String literalPrefix(String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '\\') {
                return pattern.substring(0, i);
            }
        }
        return pattern;
    }
}
