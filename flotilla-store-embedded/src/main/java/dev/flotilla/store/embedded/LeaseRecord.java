package dev.flotilla.store.embedded;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A live lease: its granted TTL and the absolute instant it expires unless renewed. The deadline
 * (not the remaining time) is what is persisted, so time spent while a durable store is closed
 * counts against the lease.
 */
record LeaseRecord(long id, Duration ttl, Instant deadline) {
    LeaseRecord {
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(deadline, "deadline");
    }

    /** The time left at {@code now}; zero or negative once due. */
    Duration remainingAt(Instant now) {
        return Duration.between(now, deadline);
    }

    /** The same lease, renewed at {@code now}. */
    LeaseRecord renewedAt(Instant now) {
        return new LeaseRecord(id, ttl, now.plus(ttl));
    }
}
