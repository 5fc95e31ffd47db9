package dev.flotilla.registry;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.flotilla.registry.RegistryEvent.GlobalUnitChanged;
import dev.flotilla.registry.RegistryEvent.LeaderElected;
import dev.flotilla.registry.RegistryEvent.LeaderGone;
import dev.flotilla.registry.RegistryEvent.MachineJoined;
import dev.flotilla.registry.RegistryEvent.MachineLeft;
import dev.flotilla.registry.RegistryEvent.MachineUpdated;
import dev.flotilla.registry.RegistryEvent.ScheduleChanged;
import dev.flotilla.registry.RegistryEvent.ScheduleRemoved;
import dev.flotilla.registry.RegistryEvent.StateChanged;
import dev.flotilla.registry.RegistryEvent.StateRemoved;
import dev.flotilla.registry.RegistryEvent.UnitChanged;
import dev.flotilla.registry.RegistryEvent.UnitRemoved;
import dev.flotilla.registry.RegistryEvent.UnschedulableChanged;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.Watch;

/** Snapshots, typed watches (cluster and per machine), malformed values, and the idle cluster. */
abstract class WatchContract extends RegistryTestBase {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String GLOBAL = "[Service]\nExecStart=/bin/true\n\n[X-Fleet]\nGlobal=true\n";

    /** Collects events; checks that they arrive in revision order and that no revision comes twice. */
    static final class Recorder implements RegistryListener {
        final List<RegistryEvent> events = Collections.synchronizedList(new ArrayList<>());
        final List<String> problems = Collections.synchronizedList(new ArrayList<>());
        /** The newest revision seen per stream whose order is promised. */
        private final java.util.Map<String, Long> newest = new java.util.HashMap<>();
        private final boolean perStream;

        /** Checks that all events come in revision order (a watch over one store watch). */
        Recorder() {
            this(false);
        }

        /**
         * @param perStream check the order of placements and of global units apart: a machine watch
         *     is two store watches, promised in order each, in any order relative to each other
         *     ({@link Registry#watchMachine})
         */
        Recorder(boolean perStream) {
            this.perStream = perStream;
        }

        private String stream(RegistryEvent e) {
            return perStream && (e instanceof GlobalUnitChanged || e instanceof RegistryEvent.GlobalUnitRemoved)
                    ? "global units" : "all";
        }

        @Override
        public void onEvents(List<RegistryEvent> batch) {
            // A batch may span several revisions, but never splits one: a later batch starts later.
            long last = newest.getOrDefault(stream(batch.getFirst()), 0L);
            if (batch.getFirst().revision() <= last) {
                problems.add("batch repeats or reorders revisions after " + last + ": " + batch);
            }
            for (RegistryEvent e : batch) {
                long before = newest.getOrDefault(stream(e), 0L);
                if (e.revision() < before) {
                    problems.add("event out of order after " + before + ": " + e);
                }
                newest.put(stream(e), e.revision());
            }
            events.addAll(batch);
        }

        @Override
        public void onError(StoreException error) {
            problems.add("watch ended: " + error);
        }

        long lastRevision() {
            synchronized (events) {
                return events.isEmpty() ? 0 : events.getLast().revision();
            }
        }

        List<Class<?>> kinds() {
            synchronized (events) {
                return events.stream().<Class<?>>map(Object::getClass).toList();
            }
        }
    }

    @Test
    void snapshotHoldsEverythingAtOneRevision() throws StoreException, RegistryException {
        long lease = lease();
        registry.machines().register(machine(M1, "10.0.0.1"), lease);
        UnitRecord a = submit("a.service", DesiredState.LAUNCHED);
        submit("b.service", DesiredState.INACTIVE);
        place("a.service", M1);
        registry.states().publish(running(a.name(), M1), lease);
        Leadership leader = registry.election().campaign(M1, lease).orElseThrow();

        RegistrySnapshot s = registry.snapshot();

        assertThat(s.revision()).isEqualTo(storeRevision());
        assertThat(s.machines()).containsOnlyKeys(M1);
        assertThat(s.units()).containsOnlyKeys(a.name(), unit("b.service"));
        assertThat(s.schedule().get(a.name())).isEqualTo(ScheduleEntry.of(a, M1));
        assertThat(s.scheduledOn(M1)).containsOnlyKeys(a.name());
        assertThat(s.states()).containsExactly(running(a.name(), M1));
        assertThat(s.statesOf(a.name())).hasSize(1);
        assertThat(s.statesOn(M2)).isEmpty();
        assertThat(s.leader()).contains(leader);
        assertThat(s.basis(a.name()).scheduledOn()).contains(M1);
        assertThat(s.basis(unit("b.service"))).isEqualTo(ScheduleBasis.unplaced(s.unitRevisions().get(unit("b.service"))));
        assertThat(s.basis(unit("nope.service"))).isEqualTo(ScheduleBasis.unplaced(0));
    }

    @Test
    void snapshotPlusWatchSeesEveryChangeExactlyOnce() throws StoreException, RegistryException {
        RegistrySnapshot start = registry.snapshot();
        Recorder recorder = new Recorder();
        long lease1 = lease();
        long lease2 = lease();
        Watch watch = registry.watch(start.revision() + 1, recorder);
        try {
            registry.machines().register(machine(M1, "10.0.0.1"), lease1);
            registry.machines().register(machine(M2, "10.0.0.2"), lease2);
            registry.machines().register(Machine.of(M2, "10.0.0.2", java.util.Map.of(), "http://x", "h", T0), lease2);
            Leadership leader = registry.election().campaign(M1, lease1).orElseThrow();
            UnitRecord a = submit("a.service", DesiredState.LAUNCHED);
            submit("b.service", DesiredState.LAUNCHED);
            RegistrySnapshot s = registry.snapshot();
            registry.schedule().apply(List.of(new ScheduleChange.Place(ScheduleEntry.of(a, M2), s.basis(a.name())),
                    new ScheduleChange.MarkUnschedulable(new UnschedulableRecord(unit("b.service"),
                            List.of(UnschedulableRecord.Reason.on(M2, "conflicts with a.service"))),
                            s.basis(unit("b.service")))), leader);
            registry.states().publish(running(a.name(), M2), lease2);
            registry.states().publish(running(a.name(), M2), lease2); // unchanged: no event
            store().revokeLease(lease2);
            registry.election().resign(leader);
            registry.units().destroy(a.name());
            long end = storeRevision();

            await().atMost(WAIT).until(() -> recorder.lastRevision() == end);
            assertThat(recorder.problems).isEmpty();
            assertThat(recorder.kinds()).containsExactly(MachineJoined.class, MachineJoined.class,
                    MachineUpdated.class, LeaderElected.class, UnitChanged.class, UnitChanged.class,
                    ScheduleChanged.class, UnschedulableChanged.class, StateChanged.class,
                    // The lease's keys go in one revision, in key order.
                    MachineLeft.class, StateRemoved.class,
                    LeaderGone.class, UnitRemoved.class, ScheduleRemoved.class);
            RegistrySnapshot followed = start.withEvents(recorder.events);
            RegistrySnapshot fresh = registry.snapshot();
            assertThat(followed.revision()).isEqualTo(end);
            assertThat(followed).usingRecursiveComparison().ignoringFields("revision").isEqualTo(fresh);
            assertThat(start.withEvents(recorder.events).withEvents(recorder.events)).isEqualTo(followed);
        } finally {
            watch.close();
        }
    }

    @Test
    void machineWatchSeesOnlyItsPlacementsAndGlobalUnits() throws StoreException, RegistryException {
        MachineView start = registry.machineView(M1);
        Recorder recorder = new Recorder(true);
        Watch watch = registry.watchMachine(M1, start.revision() + 1, recorder);
        try {
            UnitRecord a = submit("a.service", DesiredState.LAUNCHED);
            submit("b.service", DesiredState.LAUNCHED);
            registry.units().create(unit("mon.service"), GLOBAL, DesiredState.LAUNCHED, false);
            place("a.service", M1);
            place("b.service", M2);
            registry.units().setDesiredState(a.name(), DesiredState.LOADED); // the placement follows at once
            place("a.service", M2);
            long end = storeRevision();

            await().atMost(WAIT).until(() -> recorder.events.size() == 4);
            assertThat(recorder.problems).isEmpty();
            assertThat(recorder.events).filteredOn(e -> e instanceof GlobalUnitChanged).hasSize(1);
            assertThat(recorder.events).filteredOn(e -> !(e instanceof GlobalUnitChanged))
                    .extracting(e -> e.getClass().getSimpleName())
                    .containsExactly("ScheduleChanged", "ScheduleChanged", "ScheduleRemoved");
            assertThat(((ScheduleChanged) recorder.events.stream().filter(e -> e instanceof ScheduleChanged)
                    .toList().getLast()).entry().desiredState()).isEqualTo(DesiredState.LOADED);
            MachineView followed = start.withEvents(recorder.events);
            MachineView fresh = registry.machineView(M1);
            assertThat(fresh.revision()).isEqualTo(end);
            assertThat(followed.scheduled()).isEqualTo(fresh.scheduled()).isEmpty();
            assertThat(followed.globals()).isEqualTo(fresh.globals()).containsOnlyKeys(unit("mon.service"));
        } finally {
            watch.close();
        }
    }

    @Test
    void leaderWatchSeesEveryTermChangeInOrder() throws StoreException {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        List<StoreException> errors = Collections.synchronizedList(new ArrayList<>());
        List<Long> revisions = Collections.synchronizedList(new ArrayList<>());
        long lease1 = lease();
        long lease2 = lease();
        Watch watch = registry.election().watchLeader(0, new EngineElection.LeaderListener() {
            @Override
            public void leaderChanged(java.util.Optional<Leadership> leader, long revision) {
                seen.add(leader.map(l -> l.machineId() + "@" + l.term()).orElse("none"));
                revisions.add(revision);
            }

            @Override
            public void onError(StoreException error) {
                errors.add(error);
            }
        });
        try {
            Leadership first = registry.election().campaign(M1, lease1).orElseThrow();
            assertThat(registry.election().campaign(M2, lease2)).isEmpty(); // writes nothing
            registry.election().resign(first);
            Leadership second = registry.election().campaign(M2, lease2).orElseThrow();
            store().revokeLease(lease2);
            store().put(root + "engine/leader", "{}".getBytes(UTF_8)); // malformed: nobody leads
            long end = storeRevision();

            await().atMost(WAIT).until(() -> seen.size() == 5);
            assertThat(seen).containsExactly(M1 + "@" + first.term(), "none", M2 + "@" + second.term(), "none",
                    "none");
            assertThat(revisions).isSorted().doesNotHaveDuplicates().startsWith(first.term()).endsWith(end);
            assertThat(errors).isEmpty();

            // From a given revision: replays the same changes from there on.
            List<Long> replayed = Collections.synchronizedList(new ArrayList<>());
            try (Watch again = registry.election().watchLeader(second.term(), (leader, revision) -> replayed.add(revision))) {
                await().atMost(WAIT).until(() -> replayed.size() == 3);
                assertThat(replayed).containsExactlyElementsOf(revisions.subList(2, 5));
            }
        } finally {
            watch.close();
        }
    }

    @Test
    void malformedValuesAreSkippedByReadersAndWatchers() throws StoreException, RegistryException {
        Recorder recorder = new Recorder();
        Watch watch = registry.watch(storeRevision() + 1, recorder);
        try {
            store().put(root + "units/bad.service", "not json".getBytes(UTF_8));
            store().put(root + "units/other.service", "{\"name\":\"a.service\"}".getBytes(UTF_8));
            store().put(root + "units/no such name", "{}".getBytes(UTF_8));
            store().put(root + "machines/xyz", "{}".getBytes(UTF_8));
            store().put(root + "states/a.service/" + M1, "{\"unit\":\"a.service\"}".getBytes(UTF_8));
            store().put(root + "schedule/units/a.service", "[]".getBytes(UTF_8));
            store().put(root + "engine/leader", "{}".getBytes(UTF_8));
            store().put(root + "stray", "x".getBytes(UTF_8));
            UnitRecord good = submit("good.service", DesiredState.INACTIVE);

            RegistrySnapshot s = registry.snapshot();
            assertThat(s.units()).containsOnlyKeys(good.name());
            assertThat(s.machines()).isEmpty();
            assertThat(s.states()).isEmpty();
            assertThat(s.schedule()).isEmpty();
            assertThat(s.leader()).isEmpty();
            assertThat(registry.units().list()).containsExactly(good);
            assertThat(registry.units().get(unit("bad.service"))).isEmpty();
            assertThat(registry.states().list()).isEmpty();
            assertThat(registry.election().leader()).isEmpty();

            await().atMost(WAIT).until(() -> !recorder.events.isEmpty());
            assertThat(recorder.events).containsExactly(new UnitChanged(good, s.unitRevisions().get(good.name())));
            assertThat(recorder.problems).isEmpty();
        } finally {
            watch.close();
        }
    }

    @Test
    void idleClusterWritesNothing() throws StoreException, RegistryException {
        long lease1 = lease();
        long lease2 = lease();
        registry.machines().register(machine(M1, "10.0.0.1"), lease1);
        registry.machines().register(machine(M2, "10.0.0.2"), lease2);
        registry.units().create(unit("mon.service"), GLOBAL, DesiredState.LAUNCHED, false);
        submit("web.service", DesiredState.LAUNCHED);
        place("web.service", M1);
        registry.states().publish(running(unit("web.service"), M1), lease1);
        registry.states().publish(running(unit("mon.service"), M1), lease1);
        registry.states().publish(running(unit("mon.service"), M2), lease2);
        Leadership leader = registry.election().campaign(M1, lease1).orElseThrow();
        long before = storeRevision();

        for (int pass = 0; pass < 3; pass++) {
            registry.machines().register(machine(M1, "10.0.0.1"), lease1);
            registry.machines().register(machine(M2, "10.0.0.2"), lease2);
            registry.states().publish(running(unit("web.service"), M1), lease1);
            registry.states().publish(running(unit("mon.service"), M1), lease1);
            registry.states().publish(running(unit("mon.service"), M2), lease2);
            assertThat(registry.election().campaign(M1, lease1)).contains(leader);
            assertThat(registry.election().campaign(M2, lease2)).isEmpty();
            registry.units().create(unit("web.service"), PLAIN, DesiredState.INACTIVE, true);
            registry.units().setDesiredState(unit("web.service"), DesiredState.LAUNCHED);
            registry.schedule().apply(List.of(), leader);
            store().keepAliveOnce(lease1);
            store().keepAliveOnce(lease2);
        }

        assertThat(storeRevision()).isEqualTo(before);
    }
}
