package dev.flotilla.registry;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A machine's identity, as fleet and systemd's {@code /etc/machine-id} spell it: 32 lowercase hex
 * digits. Immutable; ordered by value (the order the scheduler breaks ties in).
 *
 * @param value the 32 hex digits
 */
public record MachineId(String value) implements Comparable<MachineId> {

    /** Number of hex digits of a machine ID. */
    public static final int LENGTH = 32;
    /** Number of hex digits of the short form fleetctl prints ({@code 2aa4e35a...}). */
    public static final int SHORT_LENGTH = 8;

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Validates the ID.
     *
     * @throws IllegalArgumentException unless {@code value} is exactly 32 lowercase hex digits; the
     *     message quotes the value
     */
    public MachineId {
        Objects.requireNonNull(value, "value");
        if (!isValid(value)) {
            throw new IllegalArgumentException("invalid machine ID \"" + value
                    + "\": a machine ID is exactly 32 lowercase hex digits (like /etc/machine-id)");
        }
    }

    /** Whether {@code value} is a valid machine ID; never throws. */
    public static boolean isValid(String value) {
        return value != null && value.length() == LENGTH
                && value.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f');
    }

    /** A fresh random ID (what an agent generates once and keeps in its data directory). */
    public static MachineId random() {
        byte[] bytes = new byte[LENGTH / 2];
        RANDOM.nextBytes(bytes);
        return new MachineId(HexFormat.of().formatHex(bytes));
    }

    /** The first 8 hex digits, the form fleetctl's tables show. */
    public String shortId() {
        return value.substring(0, SHORT_LENGTH);
    }

    /** Orders by value. */
    @Override
    public int compareTo(MachineId other) {
        return value.compareTo(other.value);
    }

    /** The 32 hex digits. */
    @Override
    public String toString() {
        return value;
    }
}
