package dev.flotilla.runtime;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

import dev.flotilla.unit.ContentHash;
import dev.flotilla.unit.Secrets;
import dev.flotilla.unit.UnitName;

/**
 * A unit's state as a runtime reports it, shaped like systemd's: load/active/sub states, the main
 * process, since when, how the last process ended, and a one-line reason when something went
 * wrong ({@code ExecStartPre=/usr/bin/false exited with status 1}). Immutable.
 *
 * @param unit the unit
 * @param load whether its definition is usable
 * @param active the high-level state
 * @param sub the detailed state
 * @param since when the unit entered this active/sub state
 * @param mainPid the main process, while there is one
 * @param lastExit how the last main (or failing) process ended, once one has
 * @param reason why the unit failed, is restarting, or what is worth knowing (one line); values of
 *     secret-looking assignments in it are masked ({@link Secrets#redact}), since reasons quote command lines
 * @param restarts automatic restarts since the last explicit start (systemd's {@code NRestarts})
 * @param hash the content hash of the definition the unit runs, when known
 * @param limits what became of each resource setting of the unit
 */
public record UnitStatus(UnitName unit, LoadState load, ActiveState active, SubState sub, Instant since,
        OptionalLong mainPid, Optional<ProcessExit> lastExit, Optional<String> reason, int restarts,
        Optional<ContentHash> hash, List<LimitReport> limits) {

    /**
     * Checks the components.
     *
     * @throws NullPointerException when a component is null
     * @throws IllegalArgumentException when {@code restarts} is negative
     */
    public UnitStatus {
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(load, "load");
        Objects.requireNonNull(active, "active");
        Objects.requireNonNull(sub, "sub");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(mainPid, "mainPid");
        Objects.requireNonNull(lastExit, "lastExit");
        reason = Objects.requireNonNull(reason, "reason").map(Secrets::redact);
        Objects.requireNonNull(hash, "hash");
        if (restarts < 0) {
            throw new IllegalArgumentException("restarts must not be negative: " + restarts);
        }
        limits = List.copyOf(limits);
    }

    /** A never-started unit: loaded, inactive/dead. */
    public static UnitStatus inactive(UnitName unit, Instant since) {
        return new UnitStatus(unit, LoadState.LOADED, ActiveState.INACTIVE, SubState.DEAD, since, OptionalLong.empty(),
                Optional.empty(), Optional.empty(), 0, Optional.empty(), List.of());
    }

    /** Whether the unit is active/running. */
    public boolean isRunning() {
        return active == ActiveState.ACTIVE && sub == SubState.RUNNING;
    }

    /** Whether nothing of the unit runs and nothing is pending: inactive or failed. */
    public boolean isSettled() {
        return active == ActiveState.INACTIVE || active == ActiveState.FAILED;
    }

    /** {@code active/running}, the pair fleetctl shows. */
    public String stateName() {
        return active.systemdName() + "/" + sub.systemdName();
    }

    /** A copy in another state since {@code time}; the reason is replaced by {@code newReason}. */
    public UnitStatus withState(ActiveState newActive, SubState newSub, Instant time, Optional<String> newReason) {
        return new UnitStatus(unit, load, newActive, newSub, time, mainPid, lastExit, newReason, restarts, hash, limits);
    }

    /** A copy with another main process (empty when there is none). */
    public UnitStatus withMainPid(OptionalLong pid) {
        return new UnitStatus(unit, load, active, sub, since, pid, lastExit, reason, restarts, hash, limits);
    }

    /** A copy with the last exit set. */
    public UnitStatus withLastExit(ProcessExit exit) {
        return new UnitStatus(unit, load, active, sub, since, mainPid, Optional.of(exit), reason, restarts, hash, limits);
    }

    /** A copy with another restart count. */
    public UnitStatus withRestarts(int count) {
        return new UnitStatus(unit, load, active, sub, since, mainPid, lastExit, reason, count, hash, limits);
    }

    /** A copy for another definition and its limit reports. */
    public UnitStatus withDefinition(LoadState newLoad, Optional<ContentHash> newHash, List<LimitReport> newLimits) {
        return new UnitStatus(unit, newLoad, active, sub, since, mainPid, lastExit, reason, restarts, newHash, newLimits);
    }

    /** {@code web@01.service active/running pid=42 since ...}, plus the reason when there is one. */
    @Override
    public String toString() {
        return unit + " " + (load == LoadState.LOADED ? "" : load.systemdName() + " ") + stateName()
                + (mainPid.isPresent() ? " pid=" + mainPid.getAsLong() : "") + " since " + since
                + lastExit.map(e -> " last " + e.describe()).orElse("") + (restarts > 0 ? " restarts=" + restarts : "")
                + reason.map(r -> " (" + r + ")").orElse("");
    }
}
