package dev.flotilla.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import dev.flotilla.registry.DesiredState;
import dev.flotilla.registry.Machine;
import dev.flotilla.registry.MachineId;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.RegistrySnapshot;
import dev.flotilla.registry.ScheduleChange;
import dev.flotilla.registry.ScheduleEntry;
import dev.flotilla.registry.ScheduleResult;
import dev.flotilla.registry.ServiceEndpoint;
import dev.flotilla.registry.ServiceHealth;
import dev.flotilla.registry.UnitRecord;
import dev.flotilla.registry.UnitStateRecord;
import dev.flotilla.registry.UnschedulableRecord;
import dev.flotilla.server.ApiServer;
import dev.flotilla.server.ApiSettings;
import dev.flotilla.store.KvStore;
import dev.flotilla.store.StoreException;
import dev.flotilla.unit.UnitName;

/**
 * An API server in the test JVM over a registry of its own (a fresh root on a shared embedded store),
 * and the parts of a cluster the CLI does not drive, played through the real registry code: agents
 * registering machines and publishing unit states, the engine placing units or recording why it cannot.
 * The agent and engine are not under test here; the CLI and the API are.
 */
final class TestCluster implements AutoCloseable {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final AtomicLong SEQUENCE = new AtomicLong();

    final Registry registry;
    final ApiServer server;
    private final KvStore store;
    private final List<Long> leases = new ArrayList<>();

    private TestCluster(KvStore store, Registry registry, ApiServer server) {
        this.store = store;
        this.registry = registry;
        this.server = server;
    }

    static TestCluster start(KvStore store, String test) throws Exception {
        return start(store, test, ApiSettings.on("127.0.0.1", 0));
    }

    /** A cluster whose API serves as {@code settings} say (a token, TLS). */
    static TestCluster start(KvStore store, String test, ApiSettings settings) throws Exception {
        Registry registry = Registry.create(store, "/cli-it/" + test + "-" + SEQUENCE.incrementAndGet() + "/",
                InstantSource.system());
        return new TestCluster(store, registry, ApiServer.start(registry, settings));
    }

    /** The {@code --endpoint} of this cluster. */
    String endpoint() {
        return server.url().toString();
    }

    /** Registers a machine, as its agent does, on a lease of its own. */
    MachineId machine(String id, String ip, Map<String, String> metadata) throws StoreException {
        MachineId machine = new MachineId(id);
        registry.machines().register(Machine.of(machine, ip, metadata, "http://" + ip + ":7070", "core", T0), lease());
        return machine;
    }

    /** The unit as stored, if it exists. */
    Optional<UnitRecord> unit(String name) throws StoreException {
        return registry.units().get(new UnitName(name));
    }

    /** The unit's desired state, or null when it does not exist. */
    DesiredState desired(String name) throws StoreException {
        return unit(name).map(UnitRecord::desiredState).orElse(null);
    }

    /** Places the unit on {@code machine} with its current state and hash, as the engine does. */
    void place(String unit, MachineId machine) throws StoreException {
        RegistrySnapshot s = registry.snapshot();
        UnitRecord u = s.units().get(new UnitName(unit));
        check(registry.schedule().apply(List.of(new ScheduleChange.Place(ScheduleEntry.of(u, machine), s.basis(u.name())))));
    }

    /** Records why the unit cannot be placed, as the engine does. */
    void unschedulable(String unit, UnschedulableRecord.Reason... reasons) throws StoreException {
        RegistrySnapshot s = registry.snapshot();
        UnitName name = new UnitName(unit);
        check(registry.schedule().apply(List.of(new ScheduleChange.MarkUnschedulable(
                new UnschedulableRecord(name, List.of(reasons)), s.basis(name)))));
    }

    /** Publishes the unit's state from {@code machine}, as that machine's agent does. */
    void publish(String unit, MachineId machine, String load, String active, String sub) throws StoreException {
        UnitName name = new UnitName(unit);
        UnitRecord u = registry.units().get(name).orElseThrow();
        registry.states().publish(UnitStateRecord.of(name, u.hash(), machine, load, active, sub, T0), lease());
    }

    /** Publishes a service endpoint of {@code unit} on {@code machine}, as that machine's agent does. */
    void endpoint(String service, String unit, MachineId machine, String address, int port, ServiceHealth health,
            Instant since) throws StoreException {
        registry.services().publish(new ServiceEndpoint(service, new UnitName(unit), machine, address, port, List.of(),
                health, since, Optional.empty()), lease());
    }

    /** Sets the desired state directly in the registry (not through the CLI), e.g. to prepare a listing. */
    void setDesired(String unit, DesiredState state) throws Exception {
        registry.units().setDesiredState(new UnitName(unit), state);
    }

    private long lease() throws StoreException {
        long lease = store.grantLease(Duration.ofSeconds(120)).id();
        leases.add(lease);
        return lease;
    }

    private static void check(ScheduleResult result) {
        if (!result.allApplied()) {
            throw new AssertionError("the schedule change was refused: " + result.refused());
        }
    }

    @Override
    public void close() throws StoreException {
        server.close();
        for (long lease : leases) {
            store.revokeLease(lease);
        }
    }
}
