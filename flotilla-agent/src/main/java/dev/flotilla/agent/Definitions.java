package dev.flotilla.agent;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.flotilla.registry.UnitRecord;
import dev.flotilla.registry.Units;
import dev.flotilla.store.StoreException;
import dev.flotilla.unit.ContentHash;
import dev.flotilla.unit.UnitDefinition;
import dev.flotilla.unit.UnitName;
import dev.flotilla.unit.UnitParseException;

/**
 * The contents of the units a machine holds, fetched from the registry only when a hash is new to
 * the agent (placements carry hashes, not contents), and whether names that dependencies mention
 * are units of the cluster. Confined to the reconcile thread.
 */
final class Definitions {

    /** What fetching a unit's contents gave. */
    sealed interface Resolved {
        /** The contents parse. */
        record Ok(UnitDefinition definition) implements Resolved { }

        /** The contents do not parse: the unit cannot run anywhere. */
        record Broken(String reason) implements Resolved { }

        /** Not available at this hash now (the unit changed or went meanwhile; an event follows). */
        record Unavailable() implements Resolved { }
    }

    private record Entry(ContentHash hash, Resolved resolved) { }

    private final Units units;
    private final Map<UnitName, Entry> byUnit = new HashMap<>();
    private final Map<UnitName, Boolean> clusterUnits = new HashMap<>();

    Definitions(Units units) {
        this.units = units;
    }

    /**
     * The contents of {@code unit} at {@code hash}: from the cache, else from the registry.
     *
     * @throws StoreException when the store fails
     */
    Resolved resolve(UnitName unit, ContentHash hash) throws StoreException {
        Entry cached = byUnit.get(unit);
        if (cached != null && cached.hash().equals(hash)) {
            return cached.resolved();
        }
        Optional<UnitRecord> record = units.get(unit);
        if (record.isEmpty()) {
            return new Resolved.Unavailable();
        }
        Resolved resolved;
        try {
            resolved = new Resolved.Ok(UnitDefinition.parse(unit, record.get().contents()));
        } catch (UnitParseException e) {
            resolved = new Resolved.Broken(e.getMessage());
        }
        byUnit.put(unit, new Entry(record.get().hash(), resolved));
        return record.get().hash().equals(hash) ? resolved : new Resolved.Unavailable();
    }

    /**
     * Whether {@code name} is a unit of the cluster (submitted), asked once per name until
     * {@link #forgetClusterUnits()}.
     *
     * @throws StoreException when the store fails
     */
    boolean isClusterUnit(UnitName name) throws StoreException {
        Boolean known = clusterUnits.get(name);
        if (known == null) {
            known = units.get(name).isPresent();
            clusterUnits.put(name, known);
        }
        return known;
    }

    /** Forgets which names are cluster units (they are asked again: on resync and on rejoin). */
    void forgetClusterUnits() {
        clusterUnits.clear();
    }

    /** Drops cached contents of units other than {@code keep}. */
    void retain(Set<UnitName> keep) {
        byUnit.keySet().retainAll(keep);
    }
}
