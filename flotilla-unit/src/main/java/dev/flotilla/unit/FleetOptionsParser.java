package dev.flotilla.unit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads {@code [X-Fleet]}: one pass over the entries in order, then fleet's combination checks. */
final class FleetOptionsParser {

    static final String SECTION = "X-Fleet";

    /** Every accepted name, to its canonical (modern) name. */
    static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("MachineID", "MachineID"), Map.entry("X-ConditionMachineID", "MachineID"),
            Map.entry("X-ConditionMachineBootID", "MachineBootID"),
            Map.entry("MachineOf", "MachineOf"), Map.entry("X-ConditionMachineOf", "MachineOf"),
            Map.entry("MachineMetadata", "MachineMetadata"), Map.entry("X-ConditionMachineMetadata", "MachineMetadata"),
            Map.entry("Conflicts", "Conflicts"), Map.entry("X-Conflicts", "Conflicts"),
            Map.entry("Global", "Global"), Map.entry("Replaces", "Replaces"));

    private static final Pattern MACHINE_ID = Pattern.compile("[0-9a-f]{32}|[0-9a-f]{8}");
    private static final Set<String> TRUE = Set.of("true", "yes", "1", "on", "t");
    private static final Set<String> FALSE = Set.of("false", "no", "0", "off", "f");

    private final UnitFile file;
    private final UnitName unit;
    private final Map<String, UnitElement.Assignment> setBy = new LinkedHashMap<>();
    private Optional<String> machineId = Optional.empty();
    private Optional<String> bootId = Optional.empty();
    private final List<UnitName> machineOf = new ArrayList<>();
    private final Map<String, Set<String>> metadata = new LinkedHashMap<>();
    private final List<UnitGlob> conflicts = new ArrayList<>();
    private boolean global;
    private final List<UnitGlob> replaces = new ArrayList<>();

    private FleetOptionsParser(UnitFile file, UnitName unit) {
        this.file = file;
        this.unit = unit;
    }

    static FleetOptions parse(UnitFile file, UnitName unit) {
        List<UnitElement.Assignment> entries = file.assignments(SECTION);
        if (entries.isEmpty()) {
            return FleetOptions.NONE;
        }
        rejectUnknown(file, entries);
        FleetOptionsParser p = new FleetOptionsParser(file, unit);
        for (UnitElement.Assignment a : entries) {
            p.apply(a);
        }
        p.checkCombinations();
        return new FleetOptions(p.machineId, p.bootId, p.machineOf, p.metadata, p.conflicts, p.global, p.replaces);
    }

    private static void rejectUnknown(UnitFile file, List<UnitElement.Assignment> entries) {
        List<UnitElement.Assignment> unknown = entries.stream().filter(a -> !NAMES.containsKey(a.key())).toList();
        if (unknown.isEmpty()) {
            return;
        }
        UnitElement.Assignment first = unknown.getFirst();
        String hint = Text.suggest(first.key(), NAMES.keySet());
        StringBuilder reason = new StringBuilder("unknown option " + first.key() + " in [X-Fleet]");
        if (hint != null) {
            reason.append(" (did you mean ").append(hint).append("?)");
        }
        for (UnitElement.Assignment other : unknown.subList(1, unknown.size())) {
            reason.append("; also unknown: ").append(other.key()).append(" (line ").append(other.line()).append(')');
        }
        reason.append("; known: MachineID, MachineOf, MachineMetadata, Conflicts, Global, Replaces "
                + "and the legacy X-ConditionMachineID, X-ConditionMachineBootID, X-ConditionMachineOf, "
                + "X-ConditionMachineMetadata, X-Conflicts");
        int[] pos = Lines.keyPosition(first);
        throw new UnitParseException(file.source(), pos[0], pos[1], reason.toString());
    }

    private void apply(UnitElement.Assignment a) {
        String option = NAMES.get(a.key());
        String value;
        try {
            value = Specifiers.expandForScheduling(a.value(), unit);
        } catch (SpecifierException e) {
            throw error(a, e.offset(), a.key() + ": " + e.reason());
        }
        boolean verbatim = value.equals(a.value());
        if (value.isEmpty()) {
            reset(option);
            setBy.remove(option);
            return;
        }
        try {
            switch (option) {
                case "MachineID" -> machineId = Optional.of(machineId(value));
                case "MachineBootID" -> bootId = Optional.of(machineId(value));
                case "MachineOf" -> {
                    for (SystemdQuoting.Word w : SystemdQuoting.splitWithOffsets(value)) {
                        machineOf.add(shifted(w, () -> UnitName.parse(w.text())));
                    }
                }
                case "MachineMetadata" -> {
                    for (SystemdQuoting.Word w : SystemdQuoting.splitWithOffsets(value)) {
                        int eq = w.text().indexOf('=');
                        if (eq <= 0 || eq == w.text().length() - 1) {
                            throw new ValueSyntaxException(w.offset(), "expected key=value, got " + Text.quote(w.text())
                                    + "; quote several pairs on one line: \"a=b\" \"c=d\"");
                        }
                        metadata.computeIfAbsent(w.text().substring(0, eq), k -> new LinkedHashSet<>())
                                .add(w.text().substring(eq + 1));
                    }
                }
                case "Conflicts" -> globs(value, conflicts);
                case "Replaces" -> globs(value, replaces);
                case "Global" -> global = bool(value);
                default -> throw new AssertionError(option);
            }
        } catch (ValueSyntaxException e) {
            throw error(a, verbatim ? e.offset() : 0, a.key() + ": " + e.reason());
        }
        setBy.put(option, a);
        if (option.equals("Global") && !global) {
            setBy.remove(option);
        }
    }

    private void reset(String option) {
        switch (option) {
            case "MachineID" -> machineId = Optional.empty();
            case "MachineBootID" -> bootId = Optional.empty();
            case "MachineOf" -> machineOf.clear();
            case "MachineMetadata" -> metadata.clear();
            case "Conflicts" -> conflicts.clear();
            case "Replaces" -> replaces.clear();
            case "Global" -> global = false;
            default -> throw new AssertionError(option);
        }
    }

    private static String machineId(String value) {
        if (!MACHINE_ID.matcher(value).matches()) {
            throw new ValueSyntaxException(0, "expected a machine ID (32 lowercase hex digits) or its "
                    + "8-digit short form, got " + Text.quote(value));
        }
        return value;
    }

    private static boolean bool(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        if (TRUE.contains(v)) {
            return true;
        }
        if (FALSE.contains(v)) {
            return false;
        }
        throw new ValueSyntaxException(0, "expected a boolean (true|yes|1|on|t or false|no|0|off|f), got "
                + Text.quote(value));
    }

    private static void globs(String value, List<UnitGlob> into) {
        for (SystemdQuoting.Word w : SystemdQuoting.splitWithOffsets(value)) {
            into.add(shifted(w, () -> new UnitGlob(w.text())));
        }
    }

    /** Runs {@code f}, moving a value error's offset from the word to the whole value. */
    private static <T> T shifted(SystemdQuoting.Word w, java.util.function.Supplier<T> f) {
        try {
            return f.get();
        } catch (ValueSyntaxException e) {
            throw new ValueSyntaxException(w.offset() + e.offset(), e.getMessage());
        }
    }

    private void checkCombinations() {
        boolean hasMachineId = machineId.isPresent() || bootId.isPresent();
        String idOption = machineId.isPresent() ? "MachineID" : "MachineBootID";
        refuse(hasMachineId && global, idOption, "Global", "MachineID cannot be used with Global");
        refuse(global && !machineOf.isEmpty(), "Global", "MachineOf", "MachineOf cannot be used with Global");
        refuse(hasMachineId && !conflicts.isEmpty(), idOption, "Conflicts", "MachineID cannot be used with Conflicts");
        refuse(hasMachineId && !machineOf.isEmpty(), idOption, "MachineOf", "MachineID cannot be used with MachineOf");
        refuse(global && !replaces.isEmpty(), "Global", "Replaces", "Replaces cannot be used with Global");
        refuse(!conflicts.isEmpty() && !replaces.isEmpty(), "Conflicts", "Replaces",
                "Replaces cannot be used with Conflicts");
        refuse(hasMachineId && !replaces.isEmpty(), idOption, "Replaces", "MachineID cannot be used with Replaces");
        for (UnitName peer : machineOf) {
            for (UnitGlob g : conflicts) {
                refuse(g.matches(peer), "MachineOf", "Conflicts", "unresolvable requirements: MachineOf peer "
                        + peer + " matches Conflicts pattern " + g + " (a unit cannot share a machine with a unit "
                        + "it conflicts with)");
            }
            for (UnitGlob g : replaces) {
                refuse(g.matches(peer), "MachineOf", "Replaces", "unresolvable requirements: MachineOf peer "
                        + peer + " matches Replaces pattern " + g + " (a unit cannot replace the unit it must "
                        + "run beside)");
            }
        }
        selfReference("Conflicts", conflicts, "a unit cannot conflict with itself");
        selfReference("Replaces", replaces, "a unit cannot replace itself");
    }

    /** A wildcard-free entry equal to the unit's own name is a mistake; globs matching it are fine. */
    private void selfReference(String option, List<UnitGlob> globs, String why) {
        for (UnitGlob g : globs) {
            if (!g.hasWildcards() && g.matches(unit)) {
                UnitElement.Assignment a = setBy.get(option);
                int[] pos = Lines.keyPosition(a);
                throw new UnitParseException(file.source(), pos[0], pos[1], option + "=" + g + " names " + unit
                        + " itself (after %-expansion): " + why);
            }
        }
    }

    /** Throws at the later of the two options' lines when {@code refused}. */
    private void refuse(boolean refused, String first, String second, String reason) {
        if (!refused) {
            return;
        }
        UnitElement.Assignment a = setBy.get(first);
        UnitElement.Assignment b = setBy.get(second);
        UnitElement.Assignment at = a.line() >= b.line() ? a : b;
        int[] pos = Lines.keyPosition(at);
        String where = " (" + a.key() + " at line " + a.line() + ", " + b.key() + " at line " + b.line() + ")";
        if (a == b) {
            where = " (" + a.key() + " at line " + a.line() + ")";
        }
        throw new UnitParseException(file.source(), pos[0], pos[1], reason + where);
    }

    private UnitParseException error(UnitElement.Assignment a, int offset, String reason) {
        int[] pos = Lines.valuePosition(a, offset);
        return new UnitParseException(file.source(), pos[0], pos[1], reason);
    }
}
