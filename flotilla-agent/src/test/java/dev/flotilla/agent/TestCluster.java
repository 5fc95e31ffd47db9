package dev.flotilla.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import dev.flotilla.registry.DesiredState;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.RegistryException;
import dev.flotilla.registry.RegistrySnapshot;
import dev.flotilla.registry.ScheduleChange;
import dev.flotilla.registry.ScheduleEntry;
import dev.flotilla.registry.ScheduleResult;
import dev.flotilla.registry.UnitRecord;
import dev.flotilla.registry.UnitStateRecord;
import dev.flotilla.store.KvStore;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.embedded.EmbeddedKvStore;
import dev.flotilla.testkit.WorkDirs;
import dev.flotilla.unit.UnitName;

/**
 * A store, a registry under a root of its own, agents over data directories of their own, and the
 * engine's part played by hand: units are submitted and placed through the real registry. Closing
 * drains every agent (stopping its units) and closes the store when it owns it.
 */
final class TestCluster implements AutoCloseable {

    static final Duration BOUND = Duration.ofSeconds(20);
    static final String SLEEP = "[Service]\nExecStart=/bin/sleep 1000\n";
    private static final AtomicLong SEQUENCE = new AtomicLong();

    final KvStore store;
    final Registry registry;
    final Path work;
    private final boolean ownsStore;
    private final String root;
    private final List<Agent> agents = new CopyOnWriteArrayList<>();

    private TestCluster(KvStore store, boolean ownsStore, String name) {
        this.store = store;
        this.ownsStore = ownsStore;
        this.root = "/agent-test/" + name + "-" + SEQUENCE.incrementAndGet() + "/";
        this.registry = Registry.create(store, root, java.time.InstantSource.system());
        this.work = WorkDirs.create(name);
    }

    /** A cluster on an in-memory embedded store of its own. */
    static TestCluster embedded(String name) {
        return new TestCluster(EmbeddedKvStore.inMemory(), true, name);
    }

    /** A cluster on {@code store}, which the caller closes. */
    static TestCluster on(KvStore store, String name) {
        return new TestCluster(store, false, name);
    }

    /** A configuration for an agent at {@code ip} over data directory {@code agent-<ip>}. */
    AgentConfig config(String ip, Map<String, String> metadata) {
        return AgentConfig.of(store, work.resolve("agent-" + ip), ip).withRegistryRoot(root).withMetadata(metadata)
                .withHostname("host-" + ip);
    }

    /** Starts an agent and waits until it has joined. */
    Agent start(AgentConfig config) throws AgentStartException, InterruptedException {
        Agent agent = startWithoutJoining(config);
        assertThat(agent.awaitJoined(BOUND)).as("agent at %s joins", config.publicIp()).isTrue();
        return agent;
    }

    /** Starts an agent (it joins in the background). */
    Agent startWithoutJoining(AgentConfig config) throws AgentStartException {
        Agent agent = new Agent(config);
        agents.add(agent);
        agent.start();
        return agent;
    }

    Agent start(String ip) throws AgentStartException, InterruptedException {
        return start(config(ip, Map.of()));
    }

    // ---- the engine's part ---------------------------------------------------------------------

    UnitRecord submit(String name, String contents, DesiredState state) throws StoreException, RegistryException {
        return registry.units().create(new UnitName(name), contents, state, false).unit();
    }

    void place(String name, Agent agent) throws StoreException {
        RegistrySnapshot s = registry.snapshot();
        UnitRecord unit = s.units().get(new UnitName(name));
        ScheduleResult r = registry.schedule().apply(List.of(
                new ScheduleChange.Place(ScheduleEntry.of(unit, agent.machineId()), s.basis(unit.name()))));
        assertThat(r.allApplied()).as("placing %s: %s", name, r.refused()).isTrue();
    }

    /** Submits {@code name} launched and places it on {@code agent}. */
    void launch(String name, String contents, Agent agent) throws StoreException, RegistryException {
        submit(name, contents, DesiredState.LAUNCHED);
        place(name, agent);
    }

    void setState(String name, DesiredState state) throws StoreException, RegistryException {
        registry.units().setDesiredState(new UnitName(name), state);
    }

    void replace(String name, String contents) throws StoreException, RegistryException {
        registry.units().create(new UnitName(name), contents, DesiredState.INACTIVE, true);
    }

    // ---- observing -----------------------------------------------------------------------------

    Optional<UnitStateRecord> state(String unit, Agent agent) throws StoreException {
        return registry.states().ofUnit(new UnitName(unit)).stream()
                .filter(s -> s.machineId().equals(agent.machineId())).findFirst();
    }

    /** Waits until {@code agent} publishes {@code unit} as {@code activeSub} (e.g. {@code active/running}). */
    UnitStateRecord awaitState(String unit, Agent agent, String activeSub) throws StoreException {
        await().atMost(BOUND).until(() -> state(unit, agent).map(TestCluster::stateName).orElse("-"),
                activeSub::equals);
        return state(unit, agent).orElseThrow();
    }

    static String stateName(UnitStateRecord s) {
        return s.activeState() + "/" + s.subState();
    }

    static long pid(UnitStateRecord state) {
        return state.mainPid().orElseThrow(() -> new AssertionError("no main PID in " + state));
    }

    /** Whether {@code pid} runs (exists and is not a zombie). */
    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    /** The store's current revision, from a read that matches nothing. */
    long revision() throws StoreException {
        return store.range("/agent-test-nothing/").revision();
    }

    /** The unit's journal on {@code agent}, one message per line. */
    static String journal(Agent agent, String unit) throws Exception {
        StringBuilder b = new StringBuilder();
        agent.journal(new UnitName(unit), 1000).forEach(e -> b.append(e.message()).append('\n'));
        return b.toString();
    }

    static Instant now() {
        return Instant.now();
    }

    @Override
    public void close() {
        List<Agent> reversed = new ArrayList<>(agents);
        java.util.Collections.reverse(reversed);
        for (Agent agent : reversed) {
            agent.drainAndClose(BOUND);
        }
        if (ownsStore) {
            store.close();
        }
    }
}
