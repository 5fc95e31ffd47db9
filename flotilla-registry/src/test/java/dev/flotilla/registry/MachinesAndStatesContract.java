package dev.flotilla.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import dev.flotilla.store.LeaseNotFoundException;
import dev.flotilla.store.StoreException;
import dev.flotilla.unit.ContentHash;

/** Machines and unit states: registration and publication on leases, skipped unchanged writes. */
abstract class MachinesAndStatesContract extends RegistryTestBase {

    @Test
    void registeredMachinesAreListedByIdAndReRegisteringUnchangedWritesNothing() throws StoreException {
        long lease = lease();
        Machine m2 = machine(M2, "10.0.0.2").withCapacity(new Capacity(4000, 8L << 30));
        assertThat(registry.machines().register(m2, lease)).isTrue();
        assertThat(registry.machines().register(machine(M1, "10.0.0.1"), lease)).isTrue();

        assertThat(registry.machines().list()).extracting(Machine::id).containsExactly(M1, M2);
        assertThat(registry.machines().get(M2)).contains(m2);
        assertThat(registry.machines().get(M3)).isEmpty();

        long before = storeRevision();
        assertThat(registry.machines().register(m2, lease)).isFalse();
        assertThat(storeRevision()).isEqualTo(before);

        Machine moved = Machine.of(M2, "10.0.0.2", Map.of("region", "eu"), m2.apiUrl(), m2.hostname(), T0);
        assertThat(registry.machines().register(moved, lease)).isTrue();
        assertThat(registry.machines().get(M2)).contains(moved);
    }

    @Test
    void machinesVanishWithTheirLease() throws StoreException {
        long first = lease();
        long second = lease();
        registry.machines().register(machine(M1, "10.0.0.1"), first);
        registry.machines().register(machine(M2, "10.0.0.2"), second);

        store().revokeLease(first);

        assertThat(registry.machines().list()).extracting(Machine::id).containsExactly(M2);
        assertThatThrownBy(() -> registry.machines().register(machine(M1, "10.0.0.1"), first))
                .isInstanceOf(LeaseNotFoundException.class);
        assertThat(registry.machines().get(M1)).isEmpty();
    }

    @Test
    void reRegisteringIdenticalMachineOnNewLeaseMovesItToThatLease() throws StoreException {
        long old = lease();
        long fresh = lease();
        registry.machines().register(machine(M1, "10.0.0.1"), old);

        assertThat(registry.machines().register(machine(M1, "10.0.0.1"), fresh)).isTrue();
        store().revokeLease(old);

        assertThat(registry.machines().get(M1)).isPresent();
    }

    @Test
    void publishedStatesAreListedAndRepublishingUnchangedWritesNothing() throws StoreException {
        long lease = lease();
        UnitStateRecord web = running(unit("web.service"), M1);
        UnitStateRecord mon1 = running(unit("mon.service"), M1);
        UnitStateRecord mon2 = new UnitStateRecord(unit("mon.service"), ContentHash.of(PLAIN), M2, "loaded", "failed",
                "failed", OptionalLong.of(42), T0, Optional.of("exit code 3"));
        for (UnitStateRecord s : new UnitStateRecord[] {web, mon2, mon1}) {
            assertThat(registry.states().publish(s, lease)).isTrue();
        }

        assertThat(registry.states().list()).containsExactly(mon1, mon2, web);
        assertThat(registry.states().ofUnit(unit("mon.service"))).containsExactly(mon1, mon2);
        assertThat(registry.states().onMachine(M1)).containsExactly(mon1, web);

        long before = storeRevision();
        assertThat(registry.states().publish(web, lease)).isFalse();
        assertThat(registry.states().publish(mon2, lease)).isFalse();
        assertThat(storeRevision()).isEqualTo(before);

        UnitStateRecord stopped = UnitStateRecord.of(web.unit(), web.hash(), M1, "loaded", "inactive", "dead", T0);
        assertThat(registry.states().publish(stopped, lease)).isTrue();
        assertThat(registry.states().ofUnit(web.unit())).containsExactly(stopped);
        assertThat(registry.states().remove(web.unit(), M1)).isTrue();
        assertThat(registry.states().ofUnit(web.unit())).isEmpty();
    }

    @Test
    void statesVanishWhenTheAgentsLeaseIsRevoked() throws StoreException {
        long agent1 = lease();
        long agent2 = lease();
        registry.states().publish(running(unit("a.service"), M1), agent1);
        registry.states().publish(running(unit("b.service"), M1), agent1);
        registry.states().publish(running(unit("a.service"), M2), agent2);

        store().revokeLease(agent1);

        assertThat(registry.states().list()).containsExactly(running(unit("a.service"), M2));
        assertThatThrownBy(() -> registry.states().publish(running(unit("a.service"), M1), agent1))
                .isInstanceOf(LeaseNotFoundException.class);
    }

    @Test
    void statesVanishWhenTheAgentsLeaseExpires() throws StoreException {
        long shortLease = store().grantLease(Duration.ofSeconds(2)).id();
        registry.states().publish(running(unit("a.service"), M1), shortLease);
        registry.machines().register(machine(M1, "10.0.0.1"), shortLease);

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> registry.states().list().isEmpty() && registry.machines().list().isEmpty());
    }

    @Test
    void identicalStateRepublishedOnNewLeaseSurvivesTheOldLease() throws StoreException {
        long old = lease();
        long fresh = lease();
        registry.states().publish(running(unit("a.service"), M1), old);

        assertThat(registry.states().publish(running(unit("a.service"), M1), fresh)).isTrue();
        store().revokeLease(old);

        assertThat(registry.states().list()).containsExactly(running(unit("a.service"), M1));
    }

    @Test
    void badMachineIdsAndRecordsAreRejected() {
        assertThatThrownBy(() -> new MachineId("ABCDEF0123456789ABCDEF0123456789"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 lowercase hex");
        assertThatThrownBy(() -> new MachineId("1234")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MachineId("../../../etc/passwd/0123456789ab"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(MachineId.random().value()).hasSize(32).matches("[0-9a-f]+");
        assertThatThrownBy(() -> Machine.of(M1, "10.0.0.1", Map.of("a=b", "c"), "", "", T0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a=b");
        assertThatThrownBy(() -> Machine.of(M1, " ", Map.of(), "", "", T0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ScheduleEntry(unit("a.service"), M1, DesiredState.INACTIVE, ContentHash.of("")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Registry.create(store(), "no-slash", java.time.InstantSource.system()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
