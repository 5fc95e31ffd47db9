package dev.flotilla.store.embedded;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;

/**
 * The knobs of an {@link EmbeddedKvStore}. Start from {@link #defaults()} and change what you
 * need with the {@code with...} methods. Immutable, so thread-safe.
 *
 * @param clock               the time source for lease deadlines; tests pass a controllable one.
 *                            A durable store persists absolute deadlines read from it, so across
 *                            restarts it must be a wall clock (the default, {@link InstantSource#system()})
 * @param historySize         how many events are kept for watches from a past revision (at least 0);
 *                            older revisions are dropped whole and watching from them fails with
 *                            {@link dev.flotilla.store.CompactedException}
 * @param fsync               durable mode only: whether every write is forced to the storage device
 *                            before it returns (see {@link EmbeddedKvStore#open(java.nio.file.Path, EmbeddedStoreOptions)})
 * @param leaseCheckInterval  how often the background task looks for expired leases, in real time
 *                            (leases are also expired by any operation that finds them past due)
 */
public record EmbeddedStoreOptions(InstantSource clock, int historySize, boolean fsync, Duration leaseCheckInterval) {

    /** The default {@link #historySize}: the last 100,000 events. */
    public static final int DEFAULT_HISTORY_SIZE = 100_000;

    /** Checks the arguments. @throws IllegalArgumentException for a negative history size or a non-positive interval */
    public EmbeddedStoreOptions {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(leaseCheckInterval, "leaseCheckInterval");
        if (historySize < 0) {
            throw new IllegalArgumentException("historySize must be at least 0, not " + historySize);
        }
        if (!leaseCheckInterval.isPositive()) {
            throw new IllegalArgumentException("leaseCheckInterval must be positive, not " + leaseCheckInterval);
        }
    }

    /** System clock, {@value #DEFAULT_HISTORY_SIZE} events of history, fsync on, lease check every 100 ms. */
    public static EmbeddedStoreOptions defaults() {
        return new EmbeddedStoreOptions(InstantSource.system(), DEFAULT_HISTORY_SIZE, true, Duration.ofMillis(100));
    }

    /** These options with another clock. */
    public EmbeddedStoreOptions withClock(InstantSource clock) {
        return new EmbeddedStoreOptions(clock, historySize, fsync, leaseCheckInterval);
    }

    /** These options with another history size. */
    public EmbeddedStoreOptions withHistorySize(int historySize) {
        return new EmbeddedStoreOptions(clock, historySize, fsync, leaseCheckInterval);
    }

    /** These options with fsync on or off. */
    public EmbeddedStoreOptions withFsync(boolean fsync) {
        return new EmbeddedStoreOptions(clock, historySize, fsync, leaseCheckInterval);
    }

    /** These options with another lease check interval. */
    public EmbeddedStoreOptions withLeaseCheckInterval(Duration leaseCheckInterval) {
        return new EmbeddedStoreOptions(clock, historySize, fsync, leaseCheckInterval);
    }
}
