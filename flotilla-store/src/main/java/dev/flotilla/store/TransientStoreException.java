package dev.flotilla.store;

/**
 * The store could not be reached or did not answer in time. The operation may or may not have
 * taken effect; retrying later may succeed.
 */
public class TransientStoreException extends StoreException {
    public TransientStoreException(String message) {
        super(message);
    }

    public TransientStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
