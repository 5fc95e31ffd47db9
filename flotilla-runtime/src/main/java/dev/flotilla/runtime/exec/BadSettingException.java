package dev.flotilla.runtime.exec;

/**
 * A unit setting the exec runtime refuses; the message names the key and says what to write
 * instead. The unit shows as {@code bad-setting}/failed with this message as its reason.
 */
final class BadSettingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    BadSettingException(String message) {
        super(message);
    }
}
