package dev.flotilla.unit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The SHA-1 of a unit file's contents (its UTF-8 bytes, exactly as submitted), as fleet shows it
 * in {@code list-unit-files}. Immutable.
 *
 * @param hex 40 lowercase hex digits
 */
public record ContentHash(String hex) {

    /** Length of {@link #shortHex()}, the form fleetctl's tables use. */
    public static final int SHORT_LENGTH = 7;

    /**
     * Validates the digest.
     *
     * @throws IllegalArgumentException unless {@code hex} is 40 lowercase hex digits
     */
    public ContentHash {
        Objects.requireNonNull(hex, "hex");
        if (hex.length() != 40 || !hex.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
            throw new IllegalArgumentException("not a SHA-1 hex digest: " + Text.quote(hex));
        }
    }

    /** The hash of {@code text}'s UTF-8 encoding. */
    public static ContentHash of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The hash of {@code bytes}. */
    public static ContentHash of(byte[] bytes) {
        try {
            return new ContentHash(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-1", e);
        }
    }

    /** The first 7 hex digits, e.g. {@code fbf415a}. */
    public String shortHex() {
        return hex.substring(0, SHORT_LENGTH);
    }

    /** The full hex digest. */
    @Override
    public String toString() {
        return hex;
    }
}
