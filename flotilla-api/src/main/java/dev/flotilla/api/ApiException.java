package dev.flotilla.api;

/**
 * The API refused or failed a request: an HTTP status of 400 or more, with the server's one-line message
 * (from fleet's error body when there is one). Checked: every caller has a user to tell.
 */
public class ApiException extends Exception {

    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * A failure with the server's status and message.
     *
     * @param status the HTTP status, e.g. 404; 0 when no HTTP answer came
     * @param message the server's explanation (or the client's, when there was no answer)
     */
    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status, e.g. 404; 0 when there was no HTTP answer. */
    public int status() {
        return status;
    }
}
