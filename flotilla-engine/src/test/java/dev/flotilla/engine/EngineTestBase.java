package dev.flotilla.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flotilla.registry.DesiredState;
import dev.flotilla.registry.Machine;
import dev.flotilla.registry.MachineId;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.RegistryException;
import dev.flotilla.registry.ScheduleEntry;
import dev.flotilla.registry.UnitRecord;
import dev.flotilla.store.KeepAlive;
import dev.flotilla.store.KvStore;
import dev.flotilla.store.Lease;
import dev.flotilla.store.StoreException;
import dev.flotilla.unit.UnitName;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * What every engine test shares: a store from the backend subclass (one per class), a registry
 * under a root unique to the test, machines registered the way agents register them (on leases
 * the test controls), engines closed and leases revoked after each test, and an audit that fails
 * the test if a unit was ever placed on two machines.
 */
abstract class EngineTestBase {

    static final String PLAIN = "[Unit]\nDescription=test\n\n[Service]\nExecStart=/bin/sleep 1000\n";
    /** Test timing: the defaults, with quicker retries so refused changes are replanned soon. */
    static final EngineSettings SETTINGS = EngineSettings.defaults().withRetryDelay(Duration.ofMillis(200));
    static final Duration LONG_TTL = Duration.ofSeconds(60);

    private static final AtomicLong SEQUENCE = new AtomicLong();

    /** A machine as the test's stand-in agent registered it. */
    record TestMachine(MachineId id, long lease, Duration ttl) {
        String shortId() {
            return id.shortId();
        }
    }

    Registry registry;
    String root;
    ScheduleAudit audit;
    private final List<Long> leases = new ArrayList<>();
    private final List<KeepAlive> keepAlives = new ArrayList<>();
    private final List<Engine> engines = new ArrayList<>();

    /** The backend's store, shared by the class's tests. */
    abstract KvStore store();

    @BeforeEach
    void uniqueRoot(TestInfo info) throws StoreException {
        root = "/engine-test/" + info.getTestMethod().orElseThrow().getName() + "-" + SEQUENCE.incrementAndGet() + "/";
        registry = Registry.create(store(), root, InstantSource.system());
        audit = ScheduleAudit.start(store(), root);
    }

    @AfterEach
    void cleanUp() throws StoreException {
        engines.forEach(Engine::close);
        keepAlives.forEach(KeepAlive::close);
        for (long lease : leases) {
            store().revokeLease(lease);
        }
        audit.close();
        assertThat(audit.violations()).as("units placed on two machines at once").isEmpty();
    }

    /** A machine on a lease of {@link #LONG_TTL} that is never renewed (it outlives the test unless revoked). */
    TestMachine machine(String... metadata) throws StoreException {
        return machine(LONG_TTL, false, metadata);
    }

    /** A machine on a lease of {@code ttl}, kept alive in the background when {@code keepAlive}. */
    TestMachine machine(Duration ttl, boolean keepAlive, String... metadata) throws StoreException {
        Lease lease = store().grantLease(ttl);
        leases.add(lease.id());
        if (keepAlive) {
            keepAlives.add(store().keepAlive(lease.id(), id -> { }));
        }
        MachineId id = MachineId.random();
        Map<String, String> md = new HashMap<>();
        for (String pair : metadata) {
            md.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        registry.machines().register(Machine.of(id, "127.0.0.1", md, "http://127.0.0.1:1", "host-" + id.shortId(),
                Instant.now()), lease.id());
        return new TestMachine(id, lease.id(), lease.ttl());
    }

    /** Stops renewing {@code m}'s lease: it expires within its TTL, as when its agent is killed. */
    void stopRenewing(TestMachine m) {
        keepAlives.stream().filter(k -> k.leaseId() == m.lease()).forEach(KeepAlive::close);
    }

    /** Revokes {@code m}'s lease: the machine leaves at once. */
    void revoke(TestMachine m) throws StoreException {
        store().revokeLease(m.lease());
    }

    /** A started engine on {@code m}'s lease (closed after the test). */
    Engine engine(TestMachine m) {
        return engine(m, SETTINGS);
    }

    Engine engine(TestMachine m, EngineSettings settings) {
        return engine(m, registry, store(), settings);
    }

    /** An engine over its own view of the test's registry (e.g. through a {@link SwitchableStore}). */
    Engine engine(TestMachine m, Registry view, KvStore store, EngineSettings settings) {
        Engine e = new Engine(view, store, m.id(), m::lease, InstantSource.system(), settings);
        engines.add(e);
        e.start();
        return e;
    }

    /** Waits until one of {@code engines} leads and returns it. */
    static Engine awaitLeader(Engine... engines) {
        return await().atMost(Duration.ofSeconds(20)).until(
                () -> Arrays.stream(engines).filter(e -> e.status().isLeading()).findFirst().orElse(null),
                e -> e != null);
    }

    /** Submits {@code name} (plain contents unless given) in {@code state}. */
    UnitRecord submit(String name, DesiredState state, String... xfleet) throws StoreException, RegistryException {
        String contents = xfleet.length == 0 ? PLAIN : PLAIN + "\n[X-Fleet]\n" + String.join("\n", xfleet) + "\n";
        return registry.units().create(unit(name), contents, state, false).unit();
    }

    UnitRecord start(String name, String... xfleet) throws StoreException, RegistryException {
        return submit(name, DesiredState.LAUNCHED, xfleet);
    }

    /** Every placement, unit to machine, read now. */
    TreeMap<UnitName, MachineId> placements() throws StoreException {
        TreeMap<UnitName, MachineId> out = new TreeMap<>();
        registry.schedule().list().forEach((u, e) -> out.put(u, e.machineId()));
        return out;
    }

    /** Waits until exactly {@code units} units are placed, and returns the placements. */
    TreeMap<UnitName, MachineId> awaitPlaced(int units) {
        return await().atMost(Duration.ofSeconds(60)).until(this::placements, p -> p.size() == units);
    }

    /** Waits until {@code leader} has acted on every change up to the store's current revision. */
    void awaitSettled(Engine leader) throws StoreException {
        long revision = storeRevision();
        await().atMost(Duration.ofSeconds(20)).until(() -> leader.status().settledRevision() >= revision);
    }

    /** The store's revision now. */
    long storeRevision() throws StoreException {
        return store().range(root + "no-such-key/").revision();
    }

    /** How many units each machine has. */
    static Map<MachineId, Long> load(Map<UnitName, MachineId> placements) {
        Map<MachineId, Long> out = new HashMap<>();
        placements.values().forEach(m -> out.merge(m, 1L, Long::sum));
        return out;
    }

    ScheduleEntry entry(String name) throws StoreException {
        return registry.schedule().get(unit(name)).orElseThrow();
    }

    static UnitName unit(String name) {
        return new UnitName(name);
    }
}
