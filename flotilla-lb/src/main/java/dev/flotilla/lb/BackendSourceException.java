package dev.flotilla.lb;

/** A backend source could not be read; the message names the source and what failed. */
public class BackendSourceException extends Exception {

    public BackendSourceException(String message, Throwable cause) {
        super(message, cause);
    }

    public BackendSourceException(String message) {
        super(message);
    }
}
