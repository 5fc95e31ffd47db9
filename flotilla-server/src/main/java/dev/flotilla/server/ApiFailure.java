package dev.flotilla.server;

/**
 * A request the API refuses: answered with {@code status} and fleet's error body carrying {@code message}.
 * Thrown by handlers, turned into the response by {@link ApiServer}.
 */
final class ApiFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    ApiFailure(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }

    static ApiFailure badRequest(String message) {
        return new ApiFailure(400, message);
    }

    static ApiFailure notFound(String message) {
        return new ApiFailure(404, message);
    }
}
