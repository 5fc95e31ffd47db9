package dev.flotilla.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flotilla.registry.Leadership;
import dev.flotilla.registry.MachineId;
import dev.flotilla.registry.RegistryException;
import dev.flotilla.registry.RegistrySnapshot;
import dev.flotilla.registry.ScheduleChange;
import dev.flotilla.registry.ScheduleEntry;
import dev.flotilla.registry.ScheduleRefusal;
import dev.flotilla.registry.ScheduleResult;
import dev.flotilla.store.StoreException;
import dev.flotilla.unit.UnitName;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import dev.flotilla.engine.scheduler.Decision;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Engine leadership: one leads, another takes over when it dies or leaves, a deposed one writes nothing. */
abstract class LeadershipContract extends EngineTestBase {

    /** The agents' lease TTL in the failover test: short, so that the test is. */
    static final Duration SHORT_TTL = Duration.ofSeconds(2);

    @Test
    void exactlyOneOfTwoEnginesLeadsAndTheOtherKnowsIt() throws StoreException, RegistryException {
        Engine a = engine(machine());
        Engine b = engine(machine());
        Engine leader = awaitLeader(a, b);
        Engine follower = leader == a ? b : a;

        Leadership term = leader.status().leader().orElseThrow();
        await().atMost(Duration.ofSeconds(10)).until(() -> follower.status().leader().equals(Optional.of(term)));
        assertThat(follower.status().role()).isEqualTo(EngineStatus.Role.FOLLOWING);
        assertThat(registry.election().leader()).contains(term);

        start("a.service");
        start("b.service");
        awaitPlaced(2);
        awaitSettled(leader);
        assertThat(follower.status().passes()).isZero();
        assertThat(follower.status().isLeading()).isFalse();
    }

    @Test
    void aKilledLeaderIsReplacedWithinOneLeaseTtlAndItsUnitsMove() throws StoreException, RegistryException {
        TestMachine first = machine(SHORT_TTL, true);
        Engine doomed = engine(first);
        awaitLeader(doomed);
        TestMachine second = machine(SHORT_TTL, true);
        Engine heir = engine(second);
        for (int i = 1; i <= 6; i++) {
            start("web@" + i + ".service");
        }
        TreeMap<UnitName, MachineId> before = awaitPlaced(6);
        assertThat(load(before)).containsOnlyKeys(first.id(), second.id());
        Leadership oldTerm = doomed.status().leader().orElseThrow();

        AtomicLong ledAt = new AtomicLong();
        AtomicLong movedAt = new AtomicLong();
        heir.addListener(new EngineListener() {
            @Override
            public void passCompleted(PassReport report) {
                if (report.applied().stream().anyMatch(d -> d instanceof Decision.Move)) {
                    movedAt.compareAndSet(0, System.nanoTime());
                }
            }

            @Override
            public void roleChanged(EngineStatus.Role role, Optional<Leadership> leader) {
                if (role == EngineStatus.Role.LEADING) {
                    ledAt.compareAndSet(0, System.nanoTime());
                }
            }
        });

        long killedAt = System.nanoTime(); // as kill -9 of its agent: no more renewals, no resignation
        stopRenewing(first);
        await().atMost(first.ttl().plusSeconds(5)).until(() -> heir.status().isLeading());
        TreeMap<UnitName, MachineId> after = await().atMost(Duration.ofSeconds(10)).until(this::placements,
                p -> p.size() == 6 && !p.containsValue(first.id()));
        System.out.printf("engine failover (%s): lease TTL %d ms; new leader %d ms and the dead machine's units "
                + "moved %d ms after its renewals stopped%n", getClass().getSimpleName(), first.ttl().toMillis(),
                (ledAt.get() - killedAt) / 1_000_000, (movedAt.get() - killedAt) / 1_000_000);
        assertThat(movedAt.get() - killedAt).as("takeover within one lease TTL plus a pass")
                .isLessThan(first.ttl().plusSeconds(2).toNanos());

        before.forEach((u, m) -> {
            if (m.equals(second.id())) {
                assertThat(after.get(u)).as("%s stays", u).isEqualTo(m);
            }
        });
        start("late.service");
        assertThat(awaitPlaced(7)).containsEntry(unit("late.service"), second.id());
        assertCannotWrite(oldTerm, "late.service", first.id());
        await().atMost(Duration.ofSeconds(10)).until(() -> !doomed.status().isLeading());
    }

    @Test
    void closingTheLeaderHandsOverAtOnce() throws StoreException, RegistryException {
        // Leases far longer than the wait below: only the resignation can explain a quick takeover.
        Engine a = engine(machine());
        Engine b = engine(machine());
        Engine leader = awaitLeader(a, b);
        Engine other = leader == a ? b : a;
        start("a.service");
        awaitPlaced(1);

        leader.close();

        assertThat(leader.status().role()).isEqualTo(EngineStatus.Role.CLOSED);
        await().atMost(Duration.ofSeconds(5)).until(() -> other.status().isLeading());
        start("b.service");
        awaitPlaced(2);
    }

    @Test
    void aDeposedLeaderStepsDownAndItsTermCannotWrite() throws StoreException, RegistryException {
        TestMachine m1 = machine();
        TestMachine m2 = machine();
        Engine a = engine(m1);
        Engine b = engine(m2);
        Engine leader = awaitLeader(a, b);
        Leadership oldTerm = leader.status().leader().orElseThrow();
        start("a.service");
        awaitPlaced(1);

        // The term ends under the leader (as when its lease lapsed and came back): whoever wins next
        // leads a new term, and the old leader stops using the old one.
        assertThat(registry.election().resign(oldTerm)).isTrue();

        Leadership newTerm = await().atMost(Duration.ofSeconds(10)).until(() -> registry.election().leader()
                .orElse(null), t -> t != null && t.term() != oldTerm.term());
        Engine newLeader = await().atMost(Duration.ofSeconds(10))
                .until(() -> List.of(a, b).stream().filter(e -> e.status().isLeading()
                        && e.status().leader().orElseThrow().equals(newTerm)).findFirst().orElse(null), e -> e != null);
        for (Engine e : List.of(a, b)) {
            if (e != newLeader) {
                await().atMost(Duration.ofSeconds(10)).until(() -> !e.status().isLeading());
            }
        }
        start("b.service");
        awaitPlaced(2);
        assertCannotWrite(oldTerm, "b.service", m1.id());
    }

    /** A change guarded by {@code term} is refused as NOT_LEADER and writes nothing. */
    private void assertCannotWrite(Leadership term, String name, MachineId target) throws StoreException {
        RegistrySnapshot s = registry.snapshot();
        ScheduleChange move = new ScheduleChange.Place(ScheduleEntry.of(s.units().get(unit(name)), target),
                s.basis(unit(name)));
        Map<UnitName, MachineId> before = placements();
        long revision = storeRevision();

        ScheduleResult r = registry.schedule().apply(List.of(move), term);

        assertThat(r.refused()).extracting(ScheduleRefusal::reason).containsExactly(ScheduleRefusal.Reason.NOT_LEADER);
        assertThat(storeRevision()).isEqualTo(revision);
        assertThat(placements()).isEqualTo(before);
    }
}
