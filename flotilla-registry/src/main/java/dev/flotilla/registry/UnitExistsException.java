package dev.flotilla.registry;

import dev.flotilla.unit.UnitName;

/** A unit of that name exists with other contents, and replacing it was not asked for. Nothing was written. */
public final class UnitExistsException extends RegistryException {
    private final UnitName unit;

    UnitExistsException(UnitName unit) {
        super("unit " + unit + " already exists with different contents; destroy it first, or submit with --replace");
        this.unit = unit;
    }

    /** The unit that exists. */
    public UnitName unit() {
        return unit;
    }
}
