package dev.flotilla.registry;

import java.util.Objects;

import dev.flotilla.unit.ContentHash;
import dev.flotilla.unit.UnitName;

/**
 * The index entry of a global unit ({@code Global=true}, not a template): what an agent needs to
 * decide whether to run it, without reading every unit. The registry writes it in the same
 * transaction as the unit, so it always matches the unit's hash and desired state. Immutable.
 *
 * @param unit the global unit
 * @param hash its contents' hash (fetch the contents with {@link Units#get} when it changes)
 * @param desiredState what the user wants of it on every matching machine
 */
public record GlobalUnitEntry(UnitName unit, ContentHash hash, DesiredState desiredState) {

    /** Checks that no component is null. */
    public GlobalUnitEntry {
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(desiredState, "desiredState");
    }

    /** The index entry of {@code unit}. */
    static GlobalUnitEntry of(UnitRecord unit) {
        return new GlobalUnitEntry(unit.name(), unit.hash(), unit.desiredState());
    }
}
