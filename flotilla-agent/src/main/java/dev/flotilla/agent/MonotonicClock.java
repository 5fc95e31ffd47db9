package dev.flotilla.agent;

import java.time.Instant;
import java.time.InstantSource;

/**
 * An {@link InstantSource} that reads the configured clock once, at creation, and then advances
 * with {@link System#nanoTime()}: lease deadlines and fencing decisions are measured on it, so that
 * a step of the wall clock (an NTP correction, an operator's {@code date -s}) can neither delay
 * nor hasten a fence. Instants it gives stay comparable with the configured clock's up to such
 * steps. Immutable and thread-safe.
 */
final class MonotonicClock implements InstantSource {

    private final Instant anchor;
    private final long anchorNanos;

    private MonotonicClock(Instant anchor, long anchorNanos) {
        this.anchor = anchor;
        this.anchorNanos = anchorNanos;
    }

    /** A clock that starts at {@code clock}'s now and advances monotonically from there. */
    static MonotonicClock anchoredTo(InstantSource clock) {
        return new MonotonicClock(clock.instant(), System.nanoTime());
    }

    @Override
    public Instant instant() {
        return anchor.plusNanos(System.nanoTime() - anchorNanos);
    }
}
