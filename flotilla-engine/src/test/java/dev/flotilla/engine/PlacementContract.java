package dev.flotilla.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flotilla.engine.scheduler.Decision;
import dev.flotilla.registry.DesiredState;
import dev.flotilla.registry.MachineId;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.RegistryException;
import dev.flotilla.registry.RegistryEvent;
import dev.flotilla.registry.UnschedulableRecord;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.Watch;
import dev.flotilla.unit.UnitName;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** What the leading engine does with units and machines: places, keeps, moves exactly what it must. */
abstract class PlacementContract extends EngineTestBase {

    @Test
    void startedUnitsArePlacedAndSpreadByLoad() throws StoreException, RegistryException {
        TestMachine m1 = machine();
        machine();
        machine();
        engine(m1);
        for (int i = 1; i <= 9; i++) {
            start("web@" + i + ".service");
        }
        submit("loaded.service", DesiredState.LOADED);
        submit("inactive.service", DesiredState.INACTIVE);

        TreeMap<UnitName, MachineId> placed = awaitPlaced(10);

        assertThat(placed).doesNotContainKey(unit("inactive.service"));
        assertThat(entry("loaded.service").desiredState()).isEqualTo(DesiredState.LOADED);
        assertThat(entry("web@1.service").desiredState()).isEqualTo(DesiredState.LAUNCHED);
        assertThat(load(placed).values()).containsExactlyInAnyOrder(4L, 3L, 3L);
    }

    @Test
    void startsArrivingWhileThePreviousPlacementsAreOnTheirWayBackStillSpreadEvenly() throws Exception {
        TestMachine m1 = machine();
        TestMachine m2 = machine();
        TestMachine m3 = machine();
        // The engine's watch lags 60 ms behind the store, it runs a pass per event (no batching) and starts
        // come every 10 ms, so the engine hears of
        // new starts before its own last placements come back through its watch. Planning from that stale
        // snapshot, it would see the units it had just placed as unplaced and, placing units by name, give a
        // new unit that sorts first a machine it had already chosen for another: units pile up. Reverse name
        // order makes every new start sort first.
        SwitchableStore lagging = new SwitchableStore(store()).withWatchDelay(Duration.ofMillis(60));
        engine(m1, Registry.create(lagging, root, InstantSource.system()), lagging,
                new EngineSettings(Duration.ofSeconds(30), Duration.ofNanos(1), Duration.ofNanos(1), Duration.ofMillis(200)));
        for (int i = 60; i >= 1; i--) {
            start(String.format("trickle@%02d.service", i));
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos()); // the pace of the starts, not a wait for a condition
        }
        TreeMap<UnitName, MachineId> placed = awaitPlaced(60);
        assertThat(load(placed).values()).as("units per machine").containsExactly(20L, 20L, 20L);
        assertThat(audit.widestSpread(List.of(m1.id().value(), m2.id().value(), m3.id().value())))
                .as("most minus least loaded machine at any moment (units are only added, one by one)").isLessThanOrEqualTo(1);
    }

    @Test
    void stoppingKeepsThePlacementUnloadingAndDestroyingRemoveIt() throws StoreException, RegistryException {
        TestMachine m1 = machine();
        machine();
        Engine leader = engine(m1);
        start("a.service");
        start("b.service");
        MachineId where = awaitPlaced(2).get(unit("a.service"));

        registry.units().setDesiredState(unit("a.service"), DesiredState.LOADED);
        registry.units().setDesiredState(unit("b.service"), DesiredState.INACTIVE);
        awaitSettled(leader);
        assertThat(placements()).containsOnlyKeys(unit("a.service"));
        assertThat(entry("a.service").machineId()).isEqualTo(where);
        assertThat(entry("a.service").desiredState()).isEqualTo(DesiredState.LOADED);

        registry.units().setDesiredState(unit("b.service"), DesiredState.LAUNCHED);
        awaitPlaced(2);
        registry.units().destroy(unit("a.service"));
        registry.units().destroy(unit("b.service"));
        awaitSettled(leader);
        assertThat(placements()).isEmpty();
        assertThat(registry.schedule().unschedulable()).isEmpty();
    }

    @Test
    void machineLossMovesExactlyItsUnits() throws StoreException, RegistryException {
        TestMachine m1 = machine();
        machine();
        TestMachine doomed = machine();
        Engine leader = engine(m1);
        List<Decision> decisions = new CopyOnWriteArrayList<>();
        leader.addListener(report -> decisions.addAll(report.applied()));
        for (int i = 1; i <= 12; i++) {
            start(String.format("web@%02d.service", i));
        }
        TreeMap<UnitName, MachineId> before = awaitPlaced(12);
        List<UnitName> onDoomed = before.entrySet().stream().filter(e -> e.getValue().equals(doomed.id()))
                .map(Map.Entry::getKey).toList();
        assertThat(onDoomed).hasSize(4);
        decisions.clear();

        revoke(doomed);

        TreeMap<UnitName, MachineId> after = await().atMost(Duration.ofSeconds(20)).until(this::placements,
                p -> p.size() == 12 && !p.containsValue(doomed.id()));
        before.forEach((u, m) -> {
            if (!onDoomed.contains(u)) {
                assertThat(after.get(u)).as("%s stays", u).isEqualTo(m);
            }
        });
        assertThat(decisions).hasSize(4).allSatisfy(d -> assertThat(d).isInstanceOfSatisfying(Decision.Move.class,
                m -> assertThat(m.reason()).isEqualTo("machine " + doomed.shortId() + " is gone")));
        assertThat(decisions).extracting(Decision::unit).containsExactlyInAnyOrderElementsOf(onDoomed);
    }

    @Test
    void machineOfFollowersMoveWithTheirPeer() throws StoreException, RegistryException {
        TestMachine m1 = machine();
        TestMachine m2 = machine();
        engine(m1);
        start("db.service", "MachineID=" + m2.id());
        awaitPlaced(1);
        start("dbhelper.service", "MachineOf=db.service");
        assertThat(awaitPlaced(2)).containsEntry(unit("dbhelper.service"), m2.id());
        registry.units().create(unit("db.service"), PLAIN, DesiredState.LAUNCHED, true); // drop the pin

        revoke(m2);

        TreeMap<UnitName, MachineId> after = await().atMost(Duration.ofSeconds(20)).until(this::placements,
                p -> p.size() == 2 && !p.containsValue(m2.id()));
        assertThat(after).containsEntry(unit("db.service"), m1.id()).containsEntry(unit("dbhelper.service"), m1.id());
    }

    @Test
    void aNewMachineMovesNothing() throws StoreException, RegistryException {
        TestMachine m1 = machine();
        machine();
        Engine leader = engine(m1);
        for (int i = 1; i <= 6; i++) {
            start("web@" + i + ".service");
        }
        TreeMap<UnitName, MachineId> before = awaitPlaced(6);

        TestMachine newcomer = machine();
        awaitSettled(leader);

        assertThat(placements()).isEqualTo(before);
        start("late@1.service");
        start("late@2.service");
        TreeMap<UnitName, MachineId> after = awaitPlaced(8);
        assertThat(after).containsEntry(unit("late@1.service"), newcomer.id())
                .containsEntry(unit("late@2.service"), newcomer.id());
    }

    @Test
    void unschedulableReasonsAreWrittenOnceAndClearedWhenTheUnitFits() throws StoreException, RegistryException {
        TestMachine m1 = machine();
        TestMachine m2 = machine();
        Engine leader = engine(m1);
        List<RegistryEvent> events = new CopyOnWriteArrayList<>();
        try (Watch w = registry.watch(storeRevision() + 1, events::addAll)) {
            for (int i = 1; i <= 3; i++) {
                start("web@" + i + ".service", "Conflicts=web@*.service");
            }
            UnitName waiting = unit("web@3.service");
            UnschedulableRecord why = await().atMost(Duration.ofSeconds(20))
                    .until(() -> registry.schedule().unschedulable(waiting).orElse(null), r -> r != null);
            assertThat(why.reasons()).extracting(UnschedulableRecord.Reason::machineId)
                    .containsExactlyInAnyOrder(java.util.Optional.of(m1.id()), java.util.Optional.of(m2.id()));
            assertThat(why.reasons()).extracting(UnschedulableRecord.Reason::reason)
                    .allMatch(r -> r.startsWith("conflicts with web@"));
            // More passes, over units that change nothing for web@3.
            start("other.service");
            awaitPlaced(3);
            awaitSettled(leader);
            assertThat(events.stream().filter(e -> e instanceof RegistryEvent.UnschedulableChanged u
                    && u.record().unit().equals(waiting))).as("reasons written once").hasSize(1);

            TestMachine m3 = machine();
            await().atMost(Duration.ofSeconds(20)).until(() -> placements().get(waiting), m3.id()::equals);
            assertThat(registry.schedule().unschedulable()).isEmpty();
        }
    }

    @Test
    void withoutMachinesAUnitWaitsAndSaysWhy() throws StoreException, RegistryException {
        Engine leader = engine(new TestMachine(MachineId.random(), store().grantLease(LONG_TTL).id(), LONG_TTL));
        start("a.service");
        UnschedulableRecord why = await().atMost(Duration.ofSeconds(20))
                .until(() -> registry.schedule().unschedulable(unit("a.service")).orElse(null), r -> r != null);
        assertThat(why.reasons()).containsExactly(UnschedulableRecord.Reason.everywhere(PlanChanges.NO_MACHINES));
        assertThat(leader.status().lastPass().orElseThrow().unschedulable()).isEqualTo(1);

        TestMachine m = machine();
        assertThat(awaitPlaced(1)).containsEntry(unit("a.service"), m.id());
        assertThat(registry.schedule().unschedulable()).isEmpty();
    }

    @Test
    void globalUnitsAreNeverInTheSchedule() throws StoreException, RegistryException {
        TestMachine m1 = machine();
        Engine leader = engine(m1);
        start("mon.service", "Global=true");
        start("app.service");
        awaitPlaced(1);
        awaitSettled(leader);
        assertThat(placements()).containsOnlyKeys(unit("app.service"));
        assertThat(registry.schedule().unschedulable()).isEmpty();
    }

    @Test
    void anIdleClusterIsNeverWritten() throws StoreException, RegistryException {
        TestMachine m1 = machine();
        machine();
        // A short resync, so that several resync passes run while the test watches the revision.
        Engine leader = engine(m1, SETTINGS.withResyncInterval(Duration.ofMillis(200)));
        for (int i = 1; i <= 3; i++) {
            start("web@" + i + ".service", "Conflicts=web@*.service");
        }
        start("loaded.service");
        awaitPlaced(3);
        await().atMost(Duration.ofSeconds(20)).until(() -> registry.schedule().unschedulable().size() == 1);
        awaitSettled(leader);
        long revision = storeRevision();
        long passes = leader.status().passes();

        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> storeRevision() == revision);

        assertThat(leader.status().passes()).as("resync passes ran, writing nothing").isGreaterThan(passes + 3);
        assertThat(leader.status().lastPass().orElseThrow().wrote()).isFalse();
    }

    @Test
    void aBurstOfAThousandStartsIsPlacedInAFewPasses() throws StoreException, InterruptedException {
        TestMachine m1 = machine();
        for (int i = 0; i < 3; i++) {
            machine();
        }
        Engine leader = engine(m1);
        awaitLeader(leader);
        awaitSettled(leader);
        long passesBefore = leader.status().passes();
        int units = 1000;
        long began = System.nanoTime();
        // Eight writers, as several users (or one CLI with many units) would submit them.
        try (var writers = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < 8; w++) {
                int first = w;
                writers.submit(() -> {
                    for (int i = first; i < units; i += 8) {
                        start(String.format("web@%04d.service", i));
                    }
                    return null;
                });
            }
        }
        long submitted = System.nanoTime();
        TreeMap<UnitName, MachineId> placed = awaitPlaced(units);
        long done = System.nanoTime();
        awaitSettled(leader);
        long passes = leader.status().passes() - passesBefore;
        System.out.printf("engine burst (%s): %d units submitted in %d ms, all placed %d ms after the first; "
                + "%d passes, %d decisions, spread %s%n", getClass().getSimpleName(), units,
                (submitted - began) / 1_000_000, (done - began) / 1_000_000, passes,
                leader.status().decisionsApplied(), load(placed).values().stream().sorted().toList());

        assertThat(load(placed).values()).allSatisfy(n -> assertThat(n).isBetween(249L, 251L));
        assertThat(leader.status().changesRefused()).isZero();
    }
}
