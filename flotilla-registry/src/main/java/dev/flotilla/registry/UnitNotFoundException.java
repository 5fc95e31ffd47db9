package dev.flotilla.registry;

import dev.flotilla.unit.UnitName;

/** The operation names a unit that does not exist. Nothing was written. */
public final class UnitNotFoundException extends RegistryException {
    private final UnitName unit;

    UnitNotFoundException(UnitName unit) {
        super("unit " + unit + " does not exist; submit it first");
        this.unit = unit;
    }

    /** The missing unit. */
    public UnitName unit() {
        return unit;
    }
}
