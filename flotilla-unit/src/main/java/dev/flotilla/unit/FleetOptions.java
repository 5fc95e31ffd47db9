package dev.flotilla.unit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A unit's {@code [X-Fleet]} scheduling constraints, parsed and checked: what the scheduler needs,
 * with fleet's meaning. Values were %-expanded with the unit's name ({@code %n %N %p %i}).
 * Immutable.
 *
 * @param machineId {@code MachineID=}: a full (32 hex) or short (8 hex) machine ID the unit must run on
 * @param machineBootId legacy {@code X-ConditionMachineBootID=}: the boot ID the machine must have
 * @param machineOf {@code MachineOf=}: units that must be on the same machine (all of them)
 * @param machineMetadata {@code MachineMetadata=}: key to accepted values; values of one key are
 *     alternatives (OR), different keys must all match (AND)
 * @param conflicts {@code Conflicts=}: globs of units that must not share a machine with this one
 * @param global {@code Global=}: run on every machine whose metadata matches
 * @param replaces {@code Replaces=}: globs of units this one displaces from its machine
 */
public record FleetOptions(Optional<String> machineId, Optional<String> machineBootId, List<UnitName> machineOf,
        Map<String, Set<String>> machineMetadata, List<UnitGlob> conflicts, boolean global,
        List<UnitGlob> replaces) {

    /** No constraints: what a unit without {@code [X-Fleet]} gets. */
    public static final FleetOptions NONE = new FleetOptions(Optional.empty(), Optional.empty(), List.of(),
            Map.of(), List.of(), false, List.of());

    /** Copies every collection into an unmodifiable one that keeps its order. */
    public FleetOptions {
        Objects.requireNonNull(machineId, "machineId");
        Objects.requireNonNull(machineBootId, "machineBootId");
        machineOf = List.copyOf(machineOf);
        conflicts = List.copyOf(conflicts);
        replaces = List.copyOf(replaces);
        Map<String, Set<String>> copy = new LinkedHashMap<>();
        machineMetadata.forEach((k, v) -> copy.put(k, Collections.unmodifiableSet(new LinkedHashSet<>(v))));
        machineMetadata = Collections.unmodifiableMap(copy);
    }

    /**
     * Reads and checks the {@code [X-Fleet]} section(s) of {@code file} for unit {@code unit}.
     * Legacy names ({@code X-ConditionMachineID}, {@code X-ConditionMachineBootID},
     * {@code X-ConditionMachineOf}, {@code X-ConditionMachineMetadata}, {@code X-Conflicts}) are
     * read as their modern equivalents. An empty assignment resets the option.
     *
     * @param file the parsed unit file
     * @param unit the name the unit is submitted under (an instance name for instances), used for
     *     %-expansion and the self-reference checks
     * @throws UnitParseException naming the option and line: an unknown option, a malformed value,
     *     an unknown or machine-time specifier, or one of fleet's refused combinations (MachineID with
     *     MachineOf/Conflicts/Global/Replaces; Global with MachineOf/Replaces; Conflicts with
     *     Replaces; a MachineOf peer matching the unit's own Conflicts or Replaces; a Conflicts or
     *     Replaces entry naming exactly the unit itself)
     */
    public static FleetOptions parse(UnitFile file, UnitName unit) {
        return FleetOptionsParser.parse(Objects.requireNonNull(file, "file"), Objects.requireNonNull(unit, "unit"));
    }

    /** Whether this unit must be placed by {@code MachineID} (or the legacy boot ID) alone. */
    public boolean hasRequiredMachine() {
        return machineId.isPresent() || machineBootId.isPresent();
    }

    /**
     * Whether {@code machineId} satisfies {@code MachineID=}: equal to it, or (for a short
     * requirement) starting with it, as fleet matched short IDs. True when there is no requirement.
     */
    public boolean allowsMachine(String machineId) {
        return this.machineId.map(want -> want.length() == 8 ? machineId.startsWith(want) : machineId.equals(want))
                .orElse(true);
    }

    /**
     * Whether a machine with {@code metadata} satisfies {@code MachineMetadata=}: for every
     * required key, the machine's value is one of the accepted ones.
     */
    public boolean allowsMetadata(Map<String, String> metadata) {
        for (Map.Entry<String, Set<String>> want : machineMetadata.entrySet()) {
            String have = metadata.get(want.getKey());
            if (have == null || !want.getValue().contains(have)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether one of this unit's {@code Conflicts=} globs matches {@code other}. fleet checks both
     * directions: the scheduler asks each unit about the other. A unit's own name is never a
     * conflict ({@code Conflicts=web@*.service} in {@code web@1.service} spreads the instances).
     */
    public boolean conflictsWith(UnitName self, UnitName other) {
        return !self.equals(other) && conflicts.stream().anyMatch(g -> g.matches(other));
    }

    /** Whether one of this unit's {@code Replaces=} globs matches {@code other} (never itself). */
    public boolean replacesUnit(UnitName self, UnitName other) {
        return !self.equals(other) && replaces.stream().anyMatch(g -> g.matches(other));
    }
}
