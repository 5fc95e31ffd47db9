package dev.flotilla.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * The engine's timing: how it batches watch events into passes, how often it re-reads the whole
 * registry, and how long it waits after a failure. docs/engine.md explains each choice. Immutable.
 *
 * @param resyncInterval how often the leader re-reads the whole registry and plans even without
 *     events, and a follower campaigns even without seeing the leader key go (a backstop: the
 *     watch is the main path). Default {@value #DEFAULT_RESYNC_SECONDS} s
 * @param quietPeriod a pass starts once no relevant event has arrived for this long, so a burst of
 *     changes becomes one pass. Default 25 ms
 * @param maxBatchDelay a pass starts at the latest this long after the first relevant event, even
 *     while events keep arriving. Default 250 ms
 * @param retryDelay the wait after a store failure, or before replanning changes that were
 *     refused, before trying again. Default 1 s
 */
public record EngineSettings(Duration resyncInterval, Duration quietPeriod, Duration maxBatchDelay,
        Duration retryDelay) {

    /** Default {@link #resyncInterval()}, in seconds. */
    public static final long DEFAULT_RESYNC_SECONDS = 30;

    /**
     * Validates the durations.
     *
     * @throws IllegalArgumentException when a duration is not positive, or {@code quietPeriod}
     *     exceeds {@code maxBatchDelay}
     */
    public EngineSettings {
        positive(resyncInterval, "resyncInterval");
        positive(quietPeriod, "quietPeriod");
        positive(maxBatchDelay, "maxBatchDelay");
        positive(retryDelay, "retryDelay");
        if (quietPeriod.compareTo(maxBatchDelay) > 0) {
            throw new IllegalArgumentException("quietPeriod (" + quietPeriod + ") must not exceed maxBatchDelay ("
                    + maxBatchDelay + ")");
        }
    }

    /** The defaults: resync every 30 s, batch for 25 ms (at most 250 ms), retry after 1 s. */
    public static EngineSettings defaults() {
        return new EngineSettings(Duration.ofSeconds(DEFAULT_RESYNC_SECONDS), Duration.ofMillis(25),
                Duration.ofMillis(250), Duration.ofSeconds(1));
    }

    /** These settings with another {@link #resyncInterval()}. */
    public EngineSettings withResyncInterval(Duration interval) {
        return new EngineSettings(interval, quietPeriod, maxBatchDelay, retryDelay);
    }

    /** These settings with another {@link #retryDelay()}. */
    public EngineSettings withRetryDelay(Duration delay) {
        return new EngineSettings(resyncInterval, quietPeriod, maxBatchDelay, delay);
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }
}
