package dev.flotilla.registry;

import dev.flotilla.unit.UnitName;

/** A unit file is larger than the registry stores ({@link Units#MAX_CONTENTS_BYTES}). Nothing was written. */
public final class UnitTooLargeException extends RegistryException {
    private final UnitName unit;

    UnitTooLargeException(UnitName unit, long bytes, long limit) {
        super("unit " + unit + " is " + bytes + " bytes; at most " + limit
                + " bytes are stored (keep large data out of unit files)");
        this.unit = unit;
    }

    /** The refused unit. */
    public UnitName unit() {
        return unit;
    }
}
