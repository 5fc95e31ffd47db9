package dev.flotilla.agent;

import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.unit.InvalidUnitNameException;
import dev.flotilla.unit.MachineFacts;
import dev.flotilla.unit.SpecifierException;
import dev.flotilla.unit.UnitDefinition;
import dev.flotilla.unit.UnitName;

/**
 * A unit's {@code [Unit]} dependencies on other units, as systemd spells them, with specifiers
 * expanded ({@code BindsTo=web@%i.service}) and names completed ({@code etcd} is
 * {@code etcd.service}). The agent honours them between units of its own machine only; see
 * {@link Planner} and docs/agent.md. Immutable.
 *
 * @param requires {@code Requires=}: start only while these are present and not failed
 * @param bindsTo {@code BindsTo=}: as {@code Requires=}, and stop when one of them stops
 * @param after {@code After=}: start only once these have finished starting
 * @param wants {@code Wants=}: no effect on this machine beyond being listed (the agent never starts
 *     units the registry did not place on it)
 */
record Dependencies(SortedSet<UnitName> requires, SortedSet<UnitName> bindsTo, SortedSet<UnitName> after,
        SortedSet<UnitName> wants) {

    private static final Logger LOG = LoggerFactory.getLogger(Dependencies.class);

    /** No dependencies. */
    static final Dependencies NONE = new Dependencies(new TreeSet<>(), new TreeSet<>(), new TreeSet<>(), new TreeSet<>());

    /** Makes every set an unmodifiable sorted copy. */
    Dependencies {
        requires = Collections.unmodifiableSortedSet(new TreeSet<>(requires));
        bindsTo = Collections.unmodifiableSortedSet(new TreeSet<>(bindsTo));
        after = Collections.unmodifiableSortedSet(new TreeSet<>(after));
        wants = Collections.unmodifiableSortedSet(new TreeSet<>(wants));
    }

    /**
     * Reads the dependencies of {@code unit} on {@code machine}. Words that are not valid unit names
     * after expansion are skipped and logged; a unit never depends on itself. Never throws.
     */
    static Dependencies of(UnitDefinition unit, MachineFacts machine) {
        return new Dependencies(read(unit, "Requires", machine), read(unit, "BindsTo", machine),
                read(unit, "After", machine), read(unit, "Wants", machine));
    }

    /** The units this one needs present to start: {@link #requires} and {@link #bindsTo}. */
    SortedSet<UnitName> needed() {
        TreeSet<UnitName> all = new TreeSet<>(requires);
        all.addAll(bindsTo);
        return Collections.unmodifiableSortedSet(all);
    }

    private static SortedSet<UnitName> read(UnitDefinition unit, String key, MachineFacts machine) {
        TreeSet<UnitName> out = new TreeSet<>();
        List<String> values = unit.file().values("Unit", key);
        for (String value : values) {
            String expanded;
            try {
                expanded = dev.flotilla.unit.Specifiers.expand(value, unit.name(), machine);
            } catch (SpecifierException e) {
                LOG.warn("{}: {}={} has a bad specifier ({}); using it unexpanded", unit.name(), key, value,
                        e.getMessage());
                expanded = value;
            }
            for (String word : expanded.trim().split("\\s+")) {
                if (word.isEmpty()) {
                    continue;
                }
                try {
                    UnitName name = UnitName.parse(word);
                    if (!name.equals(unit.name())) {
                        out.add(name);
                    }
                } catch (InvalidUnitNameException e) {
                    LOG.warn("{}: ignoring {}={}: {}", unit.name(), key, word, e.getMessage());
                }
            }
        }
        return out;
    }

    /** Whether there are none at all. */
    boolean isEmpty() {
        return requires.isEmpty() && bindsTo.isEmpty() && after.isEmpty() && wants.isEmpty();
    }
}
