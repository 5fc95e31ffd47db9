package dev.flotilla.agent;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.flotilla.store.ConnectionState;

/**
 * When an agent must fence (stop every unit because the cluster may already take its machine for
 * dead). A pure decision over times, so it is tested without waiting:
 *
 * <ul>
 *   <li>the store connection is {@link ConnectionState#LOST}: leases must be taken as expired;</li>
 *   <li>the lease may have expired: {@code validUntil} is the send time of the last successful
 *       keep-alive plus the TTL the store granted, the earliest moment the store can expire it. The
 *       agent fences one check interval ({@link #margin}) before that, so that it has fenced by
 *       then at the latest.</li>
 * </ul>
 *
 * While {@link ConnectionState#SUSPENDED} and before that deadline, units keep running. Only a
 * {@link AgentPhase#STARTING starting} or {@link AgentPhase#JOINED joined} agent fences; a starting
 * agent's {@code validUntil} is its start plus one TTL (a lease of its previous run may still hold
 * the units it adopted until then, not later), or earlier when the previous run's heartbeat says
 * its lease runs out sooner. The agent checks twice per margin, so it fences by {@code validUntil}
 * minus half the margin: the moment its fencing watchdog would step in (docs/agent.md). Immutable.
 *
 * @param margin how much earlier than {@code validUntil} to fence
 */
record FencingPolicy(Duration margin) {

    /** Checks the margin. */
    FencingPolicy {
        if (margin.isNegative()) {
            throw new IllegalArgumentException("margin must not be negative: " + margin);
        }
    }

    /** The policy for a lease of {@code ttl}: checks every tenth of the TTL, at most every 500 ms. */
    static FencingPolicy forTtl(Duration ttl) {
        return new FencingPolicy(checkInterval(ttl));
    }

    /** How often to check: a tenth of the TTL, between 20 ms and 500 ms. */
    static Duration checkInterval(Duration ttl) {
        return Duration.ofMillis(Math.clamp(ttl.toMillis() / 10, 20, 500));
    }

    /** Why the agent must fence now, or empty when its units may keep running. */
    Optional<String> decide(AgentPhase phase, Instant now, Instant validUntil, ConnectionState connection) {
        if (phase != AgentPhase.STARTING && phase != AgentPhase.JOINED) {
            return Optional.empty();
        }
        if (connection == ConnectionState.LOST) {
            return Optional.of("the store connection is LOST: the lease must be taken as expired");
        }
        if (!now.isBefore(validUntil.minus(margin))) {
            return Optional.of(phase == AgentPhase.JOINED
                    ? "no keep-alive has succeeded for (almost) one lease TTL: the store may expire the lease at "
                            + validUntil
                    : "could not join the cluster in time: the units adopted at start may run only until "
                            + validUntil + " (one lease TTL after starting, or when the previous run's lease may expire)");
        }
        return Optional.empty();
    }
}
