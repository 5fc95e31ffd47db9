package dev.flotilla.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import dev.flotilla.api.ClusterEvent;
import dev.flotilla.api.DesiredState;
import dev.flotilla.api.EventQuery;
import dev.flotilla.api.EventStream;
import dev.flotilla.api.FleetClient;

/**
 * The events stream of a dev cluster (real agents, engines and processes), read with {@link FleetClient#events}
 * from a machine other than the one that acts: a unit started, killed, stopped and destroyed reads as its
 * decisions and states, in order; a lost machine's unit moves, with the engine's reason; a client resumes after
 * the last ID it saw and reads the same events, IDs and all.
 */
class EventsStreamTest extends DevClusterTestBase {

    private static final Duration WAIT = Duration.ofSeconds(60);

    /** Reads a stream on a thread of its own, so that a test can wait for an event with a deadline. */
    private static final class Reader implements AutoCloseable {
        private final EventStream stream;
        private final LinkedBlockingQueue<ClusterEvent> events = new LinkedBlockingQueue<>();
        private final List<ClusterEvent> seen = new ArrayList<>();

        Reader(EventStream stream) {
            this.stream = stream;
            Thread.ofPlatform().daemon().name("events-test-reader").start(() -> {
                try {
                    for (Optional<ClusterEvent> e = stream.next(); e.isPresent(); e = stream.next()) {
                        events.add(e.get());
                    }
                } catch (Exception e) {
                    // Closed by the test.
                }
            });
        }

        /** Every event up to the first that passes {@code until}, that one included. */
        List<ClusterEvent> until(Predicate<ClusterEvent> until) throws InterruptedException {
            List<ClusterEvent> out = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                ClusterEvent e = events.poll(200, TimeUnit.MILLISECONDS);
                if (e != null) {
                    out.add(e);
                    seen.add(e);
                    if (until.test(e)) {
                        return out;
                    }
                }
            }
            throw new AssertionError("the awaited event did not come within " + WAIT + "; saw " + out);
        }

        @Override
        public void close() {
            stream.close();
        }
    }

    private static Predicate<ClusterEvent> is(String type) {
        return e -> e.type().equals(type);
    }

    private static Predicate<ClusterEvent> state(String active, String sub) {
        return e -> e.type().equals(ClusterEvent.STATE) && active.equals(e.field("active")) && sub.equals(e.field("sub"));
    }

    private static List<String> types(List<ClusterEvent> events) {
        return events.stream().map(ClusterEvent::type).toList();
    }

    @Test
    void aUnitStartedKilledStoppedAndDestroyedReadsAsItsDecisionsAndStatesInOrder() throws Exception {
        FleetClient other = new FleetClient(cluster.machines().get(2).apiUrl(), Duration.ofSeconds(10));
        try (Reader events = new Reader(other.events(new EventQuery(List.of("probe.service"), List.of(), List.of(), 0,
                true, null)))) {
            launch("probe.service", "[Service]\nExecStart=/bin/sleep 1000\n");

            List<ClusterEvent> started = events.until(state("active", "running"));
            assertThat(types(started)).startsWith(ClusterEvent.SUBMITTED, ClusterEvent.ASSIGNED);
            assertThat(started.getFirst().field("desiredState")).isEqualTo("launched");
            ClusterEvent assigned = started.get(1);
            assertThat(assigned.field("reason")).isEqualTo("least loaded");
            String machine = assigned.machine();
            assertThat(started.subList(2, started.size())).allSatisfy(e -> {
                assertThat(e.type()).isEqualTo(ClusterEvent.STATE);
                assertThat(e.machine()).isEqualTo(machine);
            });
            ClusterEvent running = started.getLast();
            assertThat(running.field("ip")).startsWith("127.0.0.");
            long pid = Long.parseLong(running.field("mainPID"));

            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            ClusterEvent killed = events.until(state("failed", "failed")).getLast();
            assertThat(killed.machine()).isEqualTo(machine);
            assertThat(killed.field("previous")).as("the state it left").isNotNull();
            assertThat(killed.field("reason")).contains("signal");

            api.setDesiredState("probe.service", DesiredState.LOADED);
            ClusterEvent stopped = events.until(is(ClusterEvent.DESIRED)).getLast();
            assertThat(stopped.field("desiredState")).isEqualTo("loaded");
            assertThat(stopped.field("previous")).isEqualTo("launched");

            api.destroyUnit("probe.service");
            List<ClusterEvent> destroyed = events.until(is(ClusterEvent.DESTROYED));
            List<ClusterEvent> tail = destroyed.stream().filter(e -> !e.type().equals(ClusterEvent.STATE)).toList();
            assertThat(types(tail)).containsExactly(ClusterEvent.UNASSIGNED, ClusterEvent.STATE_REMOVED,
                    ClusterEvent.DESTROYED);
            assertThat(tail.getFirst().field("reason")).isEqualTo("unit destroyed");
            assertThat(tail.getFirst().machine()).isEqualTo(machine);

            // Resuming after the assignment reads the rest again, the same events with the same IDs.
            List<ClusterEvent> after = new ArrayList<>();
            try (EventStream resumed = api.events(new EventQuery(List.of("probe.service"), List.of(), List.of(), 0,
                    false, assigned.id()))) {
                for (Optional<ClusterEvent> e = resumed.next(); e.isPresent(); e = resumed.next()) {
                    after.add(e.get());
                }
            }
            List<ClusterEvent> all = events.seen;
            assertThat(after).isEqualTo(all.subList(all.indexOf(assigned) + 1, all.size()));

            // Kept events by machine: the unit's, and the machine's join.
            List<ClusterEvent> onMachine = new ArrayList<>();
            try (EventStream kept = api.events(new EventQuery(List.of(), List.of(machine.substring(0, 8)), List.of(),
                    1000, false, null))) {
                for (Optional<ClusterEvent> e = kept.next(); e.isPresent(); e = kept.next()) {
                    onMachine.add(e.get());
                }
            }
            assertThat(onMachine).isNotEmpty().allMatch(e -> machine.equals(e.machine()) || machine.equals(e.field("from")));
            assertThat(onMachine).containsAll(all.stream().filter(e -> e.machine() != null).toList());
        }
    }

    @Test
    void aLostMachinesUnitMovesWithTheEnginesReason() throws Exception {
        // Machines 3 and 4 only: the client's machine (the first) stays.
        launch("mover.service", "[Service]\nExecStart=/bin/sleep 1000\n\n[X-Fleet]\nMachineMetadata=machine=3\n"
                + "MachineMetadata=machine=4\n");
        try (Reader events = new Reader(api.events(new EventQuery(List.of("mover.service"), List.of(), List.of(), 10,
                true, null)))) {
            ClusterEvent assigned = events.until(is(ClusterEvent.ASSIGNED)).getLast();
            MachineDaemon lost = cluster.machines().stream()
                    .filter(m -> m.machineId().value().equals(assigned.machine())).findFirst().orElseThrow();
            assertThat(cluster.machines().indexOf(lost)).isIn(2, 3);
            events.until(state("active", "running"));
            lost.drainAndClose(Duration.ofSeconds(30));

            ClusterEvent moved = events.until(is(ClusterEvent.MOVED)).getLast();
            assertThat(moved.field("from")).isEqualTo(assigned.machine());
            assertThat(moved.machine()).isNotEqualTo(assigned.machine());
            assertThat(moved.field("reason")).isEqualTo("machine " + assigned.machine().substring(0, 8) + " is gone");
            ClusterEvent runs = events.until(state("active", "running")).getLast();
            assertThat(runs.machine()).isEqualTo(moved.machine());
        }
    }
}
