package dev.flotilla.api;

/**
 * fleet's error body, {@code {"error": {"code": 404, "message": "..."}}}: what fleetctl prints to its user.
 * Immutable.
 *
 * @param error the status and message
 */
public record ApiError(Body error) {

    /**
     * The error itself.
     *
     * @param code the HTTP status, e.g. 404
     * @param message one line for people, naming the unit, file or machine and what to do next
     */
    public record Body(int code, String message) {
    }

    /** The error body for {@code code} and {@code message}. */
    public static ApiError of(int code, String message) {
        return new ApiError(new Body(code, message));
    }
}
