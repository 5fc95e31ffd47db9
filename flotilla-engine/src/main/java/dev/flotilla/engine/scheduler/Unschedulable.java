package dev.flotilla.engine.scheduler;

import dev.flotilla.unit.UnitName;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A unit that needs a machine but gets none in this plan, with every machine's reasons
 * (Aurora-style vetoes). Units refused for the same reasons may share one refusal list, so a plan
 * with thousands of them over a thousand machines stays small. Immutable.
 *
 * @param unit the unit
 * @param refusals one per live machine, sorted by machine ID; empty when the cluster has no machines
 */
public record Unschedulable(UnitName unit, List<Refusal> refusals) {

    /** How many groups of machines {@link #summary()} lists before it abbreviates. */
    static final int SUMMARY_GROUPS = 8;

    /** How many machine IDs {@link #summary()} names per group before it abbreviates. */
    static final int SUMMARY_IDS = 3;

    private static final Comparator<Refusal> BY_MACHINE = Comparator.comparing(Refusal::machineId);

    /**
     * Why one machine cannot take the unit. Immutable.
     *
     * @param machineId the machine
     * @param vetoes its reasons, at least one
     */
    public record Refusal(String machineId, List<Veto> vetoes) {
        /** Copies the list (an immutable list is kept as it is). */
        public Refusal {
            Objects.requireNonNull(machineId, "machineId");
            vetoes = List.copyOf(vetoes);
        }
    }

    /**
     * Copies the list (an immutable list is kept as it is), sorted by machine ID.
     *
     * @throws IllegalArgumentException when a machine appears twice
     */
    public Unschedulable {
        Objects.requireNonNull(unit, "unit");
        refusals = List.copyOf(refusals);
        for (int i = 1; i < refusals.size(); i++) {
            int order = BY_MACHINE.compare(refusals.get(i - 1), refusals.get(i));
            if (order == 0) {
                throw new IllegalArgumentException("machine " + refusals.get(i).machineId() + " refuses twice");
            }
            if (order > 0) {
                List<Refusal> sorted = new ArrayList<>(refusals);
                sorted.sort(BY_MACHINE);
                refusals = List.copyOf(sorted);
                i = 0;
            }
        }
    }

    /** The reasons given by machine {@code machineId}; empty when it is not in the plan. O(log machines). */
    public List<Veto> vetoes(String machineId) {
        int at = Collections.binarySearch(refusals, new Refusal(machineId, List.of()), BY_MACHINE);
        return at < 0 ? List.of() : refusals.get(at).vetoes();
    }

    /** Every machine's reasons, by machine ID: a new map on every call. */
    public SortedMap<String, List<Veto>> vetoes() {
        TreeMap<String, List<Veto>> out = new TreeMap<>();
        refusals.forEach(r -> out.put(r.machineId(), r.vetoes()));
        return Collections.unmodifiableSortedMap(out);
    }

    /**
     * One line for the CLI and logs, machines by short ID, machines with the same reasons grouped:
     * {@code no machine fits web@04.service: 2aa4e35a: conflicts with web@01.service; 6847f4f7,
     * c3f52cb3: metadata region=us does not match}. Long lists are abbreviated with a count.
     */
    public String summary() {
        if (refusals.isEmpty()) {
            return "no machine fits " + unit + ": the cluster has no machines";
        }
        Map<List<Veto>, List<String>> byReasons = new LinkedHashMap<>();
        refusals.forEach(r -> byReasons.computeIfAbsent(r.vetoes(), k -> new ArrayList<>())
                .add(Machine.shortId(r.machineId())));
        List<String> parts = new ArrayList<>();
        int shown = 0;
        for (Map.Entry<List<Veto>, List<String>> group : byReasons.entrySet()) {
            if (shown++ == SUMMARY_GROUPS) {
                parts.add("... (" + (byReasons.size() - SUMMARY_GROUPS) + " more groups of machines)");
                break;
            }
            List<String> ids = group.getValue();
            String who = String.join(", ", ids.subList(0, Math.min(ids.size(), SUMMARY_IDS)));
            if (ids.size() > SUMMARY_IDS) {
                who += " and " + (ids.size() - SUMMARY_IDS) + " more";
            }
            List<String> reasons = group.getKey().stream().map(Veto::reason).toList();
            parts.add(who + ": " + String.join(", ", reasons));
        }
        return "no machine fits " + unit + ": " + String.join("; ", parts);
    }
}
