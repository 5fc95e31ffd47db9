package dev.flotilla.daemon;

/** A machine could not start; the message says why in one line (port in use, data dir locked, ...). */
public class DaemonStartException extends Exception {
    public DaemonStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
