package dev.flotilla.api;

/**
 * No usable answer from the API endpoint: the connection was refused, nothing answered within the timeout,
 * or what answered does not speak the API. The message names the endpoint and what to check.
 */
public final class EndpointUnreachableException extends ApiException {

    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /**
     * A failure without an HTTP answer (status 0).
     *
     * @param message names the endpoint and says what to check
     */
    public EndpointUnreachableException(String message) {
        super(0, message);
    }
}
