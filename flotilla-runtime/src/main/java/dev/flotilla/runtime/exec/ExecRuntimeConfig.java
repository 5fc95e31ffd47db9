package dev.flotilla.runtime.exec;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Objects;

/**
 * How an {@link ExecRuntime} is set up. Immutable; build with {@link #of} and the {@code with...}
 * methods.
 *
 * @param stateDir the runtime's directory: one subdirectory per unit (record, journal, command
 *     files); reserved to one runtime instance at a time
 * @param clock the source of "now" for states, deadlines and journal lines
 * @param journalMaxBytes the bound of each unit's journal on disk (two files of half this size)
 * @param cgroups whether to apply {@code MemoryMax=}/{@code CPUWeight=} through cgroups at all
 * @param requireLimits whether a unit whose limits cannot be applied fails (default: it runs,
 *     and its status and journal say which limit is not enforced and why)
 */
public record ExecRuntimeConfig(Path stateDir, InstantSource clock, long journalMaxBytes, boolean cgroups,
        boolean requireLimits) {

    /** Default journal bound per unit: 4 MiB. */
    public static final long DEFAULT_JOURNAL_MAX_BYTES = 4L << 20;

    /**
     * Checks the values and makes the directory absolute.
     *
     * @throws IllegalArgumentException when the journal bound is below 4 KiB
     */
    public ExecRuntimeConfig {
        stateDir = Objects.requireNonNull(stateDir, "stateDir").toAbsolutePath().normalize();
        Objects.requireNonNull(clock, "clock");
        if (journalMaxBytes < 4096) {
            throw new IllegalArgumentException("journalMaxBytes must be at least 4096, got " + journalMaxBytes);
        }
    }

    /** Defaults: system clock, 4 MiB journals, cgroups on, limits best-effort. */
    public static ExecRuntimeConfig of(Path stateDir) {
        return new ExecRuntimeConfig(stateDir, InstantSource.system(), DEFAULT_JOURNAL_MAX_BYTES, true, false);
    }

    /** A copy with another clock. */
    public ExecRuntimeConfig withClock(InstantSource newClock) {
        return new ExecRuntimeConfig(stateDir, newClock, journalMaxBytes, cgroups, requireLimits);
    }

    /** A copy with another journal bound. */
    public ExecRuntimeConfig withJournalMaxBytes(long bytes) {
        return new ExecRuntimeConfig(stateDir, clock, bytes, cgroups, requireLimits);
    }

    /** A copy with cgroups on or off. */
    public ExecRuntimeConfig withCgroups(boolean enabled) {
        return new ExecRuntimeConfig(stateDir, clock, journalMaxBytes, enabled, requireLimits);
    }

    /** A copy that fails units whose limits cannot be applied (or not). */
    public ExecRuntimeConfig withRequireLimits(boolean required) {
        return new ExecRuntimeConfig(stateDir, clock, journalMaxBytes, cgroups, required);
    }
}
