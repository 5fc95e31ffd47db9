package dev.flotilla.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.flotilla.store.ConnectionState;

/** The fencing decision, with times given: no waiting. */
class FencingPolicyTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Duration TTL = Duration.ofSeconds(5);
    private final FencingPolicy policy = FencingPolicy.forTtl(TTL);
    private final Instant validUntil = T0.plus(TTL);

    @Test
    void checksEveryTenthOfTheTtlAndAtMostEveryHalfSecond() {
        assertThat(policy.margin()).isEqualTo(Duration.ofMillis(500));
        assertThat(FencingPolicy.checkInterval(Duration.ofSeconds(2))).isEqualTo(Duration.ofMillis(200));
        assertThat(FencingPolicy.checkInterval(Duration.ofSeconds(30))).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void suspendedAgentKeepsUnitsUntilTheLeaseMayExpire() {
        assertThat(policy.decide(AgentPhase.JOINED, T0.plusSeconds(4), validUntil, ConnectionState.SUSPENDED)).isEmpty();
        assertThat(policy.decide(AgentPhase.JOINED, T0.plusMillis(4499), validUntil, ConnectionState.SUSPENDED))
                .isEmpty();
    }

    @Test
    void fencesOneCheckIntervalBeforeTheLeaseMayExpireAtTheLatest() {
        assertThat(policy.decide(AgentPhase.JOINED, T0.plusMillis(4500), validUntil, ConnectionState.SUSPENDED))
                .hasValueSatisfying(r -> assertThat(r).contains("no keep-alive has succeeded"));
        assertThat(policy.decide(AgentPhase.JOINED, T0.plusSeconds(60), validUntil, ConnectionState.CONNECTED))
                .isPresent();
    }

    @Test
    void lostConnectionFencesAtOnce() {
        assertThat(policy.decide(AgentPhase.JOINED, T0, validUntil, ConnectionState.LOST))
                .hasValueSatisfying(r -> assertThat(r).contains("LOST"));
    }

    @Test
    void startingAgentFencesWhenItCannotJoinWithinOneTtl() {
        assertThat(policy.decide(AgentPhase.STARTING, T0.plusSeconds(1), validUntil, ConnectionState.SUSPENDED))
                .isEmpty();
        assertThat(policy.decide(AgentPhase.STARTING, T0.plusSeconds(5), validUntil, ConnectionState.SUSPENDED))
                .hasValueSatisfying(r -> assertThat(r).contains("could not join"));
    }

    @Test
    void fencedOrClosedAgentsDoNotFenceAgain() {
        for (AgentPhase phase : new AgentPhase[] {AgentPhase.NEW, AgentPhase.FENCED, AgentPhase.CLOSED}) {
            assertThat(policy.decide(phase, T0.plusSeconds(60), validUntil, ConnectionState.LOST)).isEmpty();
        }
    }
}
