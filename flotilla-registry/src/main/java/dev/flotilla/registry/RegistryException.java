package dev.flotilla.registry;

/**
 * The registry refused an operation for a domain reason (not a store failure, which is a
 * {@link dev.flotilla.store.StoreException}). Nothing was written. The message names the unit and
 * says what to do next.
 */
public abstract sealed class RegistryException extends Exception
        permits UnitExistsException, UnitNotFoundException, UnitTooLargeException, ConcurrentUpdateException {

    RegistryException(String message) {
        super(message);
    }
}
