package dev.flotilla.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.flotilla.engine.EngineStatus.Role;
import dev.flotilla.registry.Leadership;
import dev.flotilla.registry.MachineId;
import dev.flotilla.registry.RegistryException;
import dev.flotilla.store.ConnectionState;
import dev.flotilla.store.KvStore;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.embedded.EmbeddedKvStore;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The engine and the store's connection state (Curator's): SUSPENDED pauses a leader, LOST deposes it. Lifecycle. */
class ConnectionStateTest extends EngineTestBase {

    private static SwitchableStore store;

    @BeforeAll
    static void open() {
        store = new SwitchableStore(EmbeddedKvStore.inMemory());
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @Override
    KvStore store() {
        return store;
    }

    @Test
    void whileSuspendedTheLeaderDecidesNothingAndResumesWhenConnected() throws StoreException, RegistryException {
        TestMachine m = machine();
        Engine leader = engine(m);
        awaitLeader(leader);
        Leadership term = leader.status().leader().orElseThrow();
        start("a.service");
        awaitPlaced(1);
        awaitSettled(leader);

        store.set(ConnectionState.SUSPENDED);
        await().atMost(Duration.ofSeconds(5)).until(() -> leader.status().role() == Role.PAUSED);
        long passes = leader.status().passes();
        start("b.service");
        machine(); // a relevant change too: a machine joins
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
                .until(() -> placements().size() == 1 && leader.status().passes() == passes);

        store.set(ConnectionState.CONNECTED);
        awaitPlaced(2);
        assertThat(leader.status().role()).isEqualTo(Role.LEADING);
        assertThat(leader.status().leader()).contains(term);
    }

    @Test
    void onLostTheLeaderStepsDownAndCampaignsAgainWhenConnected() throws StoreException, RegistryException {
        TestMachine m = machine();
        Engine leader = engine(m);
        List<Role> roles = new CopyOnWriteArrayList<>();
        leader.addListener(new EngineListener() {
            @Override
            public void passCompleted(PassReport report) {
            }

            @Override
            public void roleChanged(Role role, java.util.Optional<Leadership> who) {
                roles.add(role);
            }
        });
        awaitLeader(leader);
        Leadership term = leader.status().leader().orElseThrow();

        store.set(ConnectionState.SUSPENDED);
        store.set(ConnectionState.LOST);
        await().atMost(Duration.ofSeconds(5)).until(() -> leader.status().role() == Role.FOLLOWING);
        start("a.service");
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10)).until(() -> placements().isEmpty());

        store.set(ConnectionState.CONNECTED);
        awaitPlaced(1);
        // Its lease outlived the outage, so its key did too: the campaign gives it back the same term.
        assertThat(leader.status().leader()).contains(term);
        assertThat(roles).containsSubsequence(Role.FOLLOWING, Role.LEADING).last().isEqualTo(Role.LEADING);
    }

    @Test
    void anEngineStartsOnceAndClosesIdempotently() throws StoreException {
        TestMachine m = machine();
        Engine unstarted = new Engine(registry, store, m.id(), m::lease, InstantSource.system(), SETTINGS);
        assertThat(unstarted.status().role()).isEqualTo(Role.NEW);
        unstarted.close();
        assertThat(unstarted.status().role()).isEqualTo(Role.CLOSED);
        assertThatThrownBy(unstarted::start).isInstanceOf(IllegalStateException.class);

        Engine e = engine(m);
        assertThatThrownBy(e::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("starts once");
        awaitLeader(e);
        e.close();
        e.close();
        assertThat(e.status().role()).isEqualTo(Role.CLOSED);
        assertThat(registry.election().leader()).as("resigned on close").isEmpty();
    }

    @Test
    void anEngineWhoseLeaseIsGoneDoesNotLeadUntilItHasANewOne() throws StoreException, RegistryException {
        long dead = store.grantLease(LONG_TTL).id();
        store.revokeLease(dead);
        TestMachine m = machine();
        java.util.concurrent.atomic.AtomicLong lease = new java.util.concurrent.atomic.AtomicLong(dead);
        Engine e = new Engine(registry, store, MachineId.random(), lease::get, InstantSource.system(), SETTINGS);
        try (e) {
            e.start();
            start("a.service");
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10))
                    .until(() -> !e.status().isLeading() && placements().isEmpty());

            lease.set(m.lease()); // the agent took a new lease
            awaitLeader(e);
            awaitPlaced(1);
        }
    }
}
