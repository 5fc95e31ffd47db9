package dev.flotilla.registry;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

import dev.flotilla.unit.ContentHash;
import dev.flotilla.unit.UnitName;

/**
 * What an agent reports about a unit on its machine, in systemd's terms. Immutable.
 *
 * @param unit the unit
 * @param hash the contents the machine runs
 * @param machineId the reporting machine
 * @param loadState systemd's load state: {@code loaded}, {@code not-found}, {@code error}...
 * @param activeState systemd's active state: {@code active}, {@code inactive}, {@code failed},
 *     {@code activating}, {@code deactivating}...
 * @param subState systemd's sub-state: {@code running}, {@code dead}, {@code exited},
 *     {@code start-pre}...
 * @param mainPid the main process, when one runs
 * @param since when the active state last changed (not when it was last reported: an unchanged
 *     state is an unchanged value, which is what keeps an idle cluster from writing)
 * @param reason why the unit is in this state, for people ({@code "exit code 3"}); at most
 *     {@value #MAX_REASON_LENGTH} characters
 */
public record UnitStateRecord(UnitName unit, ContentHash hash, MachineId machineId, String loadState,
        String activeState, String subState, OptionalLong mainPid, Instant since, Optional<String> reason) {

    /** Longest {@link #reason} accepted, so that states stay small values. */
    public static final int MAX_REASON_LENGTH = 4096;

    /**
     * Validates the record.
     *
     * @throws IllegalArgumentException when a state is blank, the PID is not positive or the reason
     *     is too long
     */
    public UnitStateRecord {
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(machineId, "machineId");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(mainPid, "mainPid");
        Objects.requireNonNull(reason, "reason");
        requireState(unit, "loadState", loadState);
        requireState(unit, "activeState", activeState);
        requireState(unit, "subState", subState);
        if (mainPid.isPresent() && mainPid.getAsLong() <= 0) {
            throw new IllegalArgumentException("state of " + unit + ": main PID must be positive, not "
                    + mainPid.getAsLong());
        }
        if (reason.isPresent() && reason.get().length() > MAX_REASON_LENGTH) {
            throw new IllegalArgumentException("state of " + unit + ": the reason is " + reason.get().length()
                    + " characters long; at most " + MAX_REASON_LENGTH + " are kept");
        }
    }

    /** A state without main PID or reason. */
    public static UnitStateRecord of(UnitName unit, ContentHash hash, MachineId machineId, String loadState,
            String activeState, String subState, Instant since) {
        return new UnitStateRecord(unit, hash, machineId, loadState, activeState, subState, OptionalLong.empty(),
                since, Optional.empty());
    }

    private static void requireState(UnitName unit, String what, String value) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException("state of " + unit + ": " + what + " must not be blank");
        }
    }
}
