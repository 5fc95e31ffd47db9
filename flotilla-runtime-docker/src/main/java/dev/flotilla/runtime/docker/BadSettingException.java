package dev.flotilla.runtime.docker;

/** A unit asks for something the Docker runtime refuses; the message names the key and says what to do. */
final class BadSettingException extends Exception {

    private static final long serialVersionUID = 1L;

    BadSettingException(String message) {
        super(message);
    }
}
