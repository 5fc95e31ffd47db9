package dev.flotilla.registry;

import dev.flotilla.unit.UnitName;

/**
 * A read-modify-write of a unit lost the race to other writers too many times in a row; nothing
 * was written by this call. Rare: it needs a unit being rewritten continuously. Retrying later may
 * succeed.
 */
public final class ConcurrentUpdateException extends RegistryException {
    private final UnitName unit;

    ConcurrentUpdateException(UnitName unit, int attempts) {
        super("unit " + unit + " kept changing while it was being updated (" + attempts
                + " attempts); try again");
        this.unit = unit;
    }

    /** The contended unit. */
    public UnitName unit() {
        return unit;
    }
}
