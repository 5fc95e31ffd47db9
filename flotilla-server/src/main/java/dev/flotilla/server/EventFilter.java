package dev.flotilla.server;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import dev.flotilla.api.ClusterEvent;
import dev.flotilla.unit.UnitGlob;

/**
 * Which events a client of {@code GET /v1/events} wants: {@code ?unit=} (names or globs, {@code web@*.service}),
 * {@code ?machine=} (a machine ID or its start, {@code 2aa4e35a}; a move matches both of its machines),
 * {@code ?type=} (event types). Each may be repeated or comma-separated; values of one filter are
 * alternatives, different filters must all match. {@link ClusterEvent#GAP} notices pass every filter.
 * Immutable.
 *
 * @param units the unit globs (empty: every unit, and events about no unit)
 * @param machines the machine ID prefixes (empty: every machine, and events about none)
 * @param types the types (empty: every type)
 */
record EventFilter(List<UnitGlob> units, List<String> machines, Set<String> types) {

    /** Lets every event through. */
    static final EventFilter ALL = new EventFilter(List.of(), List.of(), Set.of());

    EventFilter {
        units = List.copyOf(units);
        machines = List.copyOf(machines);
        types = Set.copyOf(types);
    }

    /**
     * The filter the query parameters describe.
     *
     * @throws IllegalArgumentException naming the bad value: a malformed glob, a machine that is not hex, an
     *     unknown type
     */
    static EventFilter parse(List<String> unitParams, List<String> machineParams, List<String> typeParams) {
        List<UnitGlob> units = new ArrayList<>();
        for (String u : split(unitParams)) {
            try {
                units.add(new UnitGlob(u));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("unit \"" + u + "\" is not a unit name or glob: " + e.getMessage());
            }
        }
        List<String> machines = new ArrayList<>();
        for (String m : split(machineParams)) {
            String id = m.toLowerCase(Locale.ROOT);
            if (id.length() > 32 || !id.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                throw new IllegalArgumentException("machine \"" + m + "\" is not a machine ID or the start of one "
                        + "(hex digits, e.g. 2aa4e35a)");
            }
            machines.add(id);
        }
        Set<String> types = new LinkedHashSet<>();
        for (String t : split(typeParams)) {
            if (!ClusterEvent.TYPES.contains(t)) {
                throw new IllegalArgumentException("type \"" + t + "\" is not an event type; known: "
                        + String.join(", ", new TreeSet<>(ClusterEvent.TYPES)));
            }
            types.add(t);
        }
        return new EventFilter(units, machines, types);
    }

    /** Whether {@code e} passes. */
    boolean matches(ClusterEvent e) {
        if (ClusterEvent.GAP.equals(e.type())) {
            return true;
        }
        if (!types.isEmpty() && !types.contains(e.type())) {
            return false;
        }
        if (!units.isEmpty() && (e.unit() == null || units.stream().noneMatch(g -> g.matches(e.unit())))) {
            return false;
        }
        if (!machines.isEmpty()) {
            String from = e.field("from");
            return machines.stream().anyMatch(m -> e.machine() != null && e.machine().startsWith(m)
                    || from != null && from.startsWith(m));
        }
        return true;
    }

    private static List<String> split(List<String> params) {
        List<String> out = new ArrayList<>();
        for (String p : params) {
            for (String part : p.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        }
        return out;
    }
}
