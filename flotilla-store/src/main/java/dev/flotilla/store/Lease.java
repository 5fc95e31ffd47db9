package dev.flotilla.store;

import java.time.Duration;

/**
 * A granted lease: keys attached to it are deleted when it expires or is revoked.
 *
 * @param id  the lease ID, never {@link #NONE}
 * @param ttl the TTL the store granted (may be longer than asked for)
 */
public record Lease(long id, Duration ttl) {
    /** The lease ID meaning "not attached to a lease". */
    public static final long NONE = 0;
}
