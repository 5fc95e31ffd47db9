package dev.flotilla.server;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
import dev.flotilla.store.KvStore;
import dev.flotilla.store.StoreException;
import dev.flotilla.unit.UnitName;

/**
 * A registry under a root of its own on a shared store, and the parts of the cluster the API does not
 * write, played through the real registry code: agents registering machines and publishing unit states,
 * the engine placing units or recording why it cannot. Closing revokes the leases it granted.
 */
final class Cluster implements AutoCloseable {

    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final AtomicLong SEQUENCE = new AtomicLong();

    final KvStore store;
    final Registry registry;
    private final List<Long> leases = new ArrayList<>();
    private final Map<MachineId, Long> machineLeases = new java.util.HashMap<>();

    private Cluster(KvStore store, Registry registry) {
        this.store = store;
        this.registry = registry;
    }

    /** A registry under a fresh root named after {@code test}. */
    static Cluster on(KvStore store, String test) {
        String root = "/api-test/" + test + "-" + SEQUENCE.incrementAndGet() + "/";
        return new Cluster(store, Registry.create(store, root, InstantSource.system()));
    }

    /** A machine ID made of one repeated hex digit pattern, e.g. {@code id('2')}. */
    static MachineId id(char digit) {
        char[] chars = new char[32];
        Arrays.fill(chars, digit);
        return new MachineId(new String(chars));
    }

    /** Registers a machine on a lease of its own, as its agent does. */
    MachineId machine(MachineId id, String ip, Map<String, String> metadata) throws StoreException {
        long lease = store.grantLease(Duration.ofSeconds(60)).id();
        leases.add(lease);
        machineLeases.put(id, lease);
        registry.machines().register(Machine.of(id, ip, metadata, "http://" + ip + ":7070", "host-" + id.shortId(), T0),
                lease);
        return id;
    }

    /** Places {@code unit} on {@code machine} with the unit's current state and hash, as the engine does. */
    void place(String unit, MachineId machine) throws StoreException {
        RegistrySnapshot s = registry.snapshot();
        UnitRecord u = s.units().get(new UnitName(unit));
        check(registry.schedule().apply(List.of(new ScheduleChange.Place(ScheduleEntry.of(u, machine),
                s.basis(u.name())))));
    }

    /** Moves {@code unit} to {@code machine} with the engine's {@code reason}, as the engine does. */
    void move(String unit, MachineId machine, String reason) throws StoreException {
        RegistrySnapshot s = registry.snapshot();
        UnitRecord u = s.units().get(new UnitName(unit));
        check(registry.schedule().apply(List.of(new ScheduleChange.Place(ScheduleEntry.of(u, machine),
                s.basis(u.name()), java.util.Optional.of(reason)))));
    }

    /** The machine's engine campaigns for the leadership on the machine's lease, as it does when it starts. */
    void lead(MachineId machine) throws StoreException {
        registry.election().campaign(machine, machineLeases.get(machine)).orElseThrow();
    }

    /** The machine leaves: its lease is revoked, so its key and its unit states go, as when its agent dies. */
    void leave(MachineId machine) throws StoreException {
        store.revokeLease(machineLeases.remove(machine));
    }

    /** Records why {@code unit} cannot be placed, as the engine does. */
    void unschedulable(String unit, UnschedulableRecord.Reason... reasons) throws StoreException {
        RegistrySnapshot s = registry.snapshot();
        UnitName name = new UnitName(unit);
        check(registry.schedule().apply(List.of(new ScheduleChange.MarkUnschedulable(
                new UnschedulableRecord(name, List.of(reasons)), s.basis(name)))));
    }

    /** Publishes a unit state from {@code machine}, as its agent does (on a lease of its own). */
    void publish(String unit, MachineId machine, String load, String active, String sub) throws StoreException {
        UnitName name = new UnitName(unit);
        UnitRecord u = registry.units().get(name).orElseThrow();
        Long lease = machineLeases.get(machine); // on the machine's lease, as its agent does, when it registered
        if (lease == null) {
            lease = store.grantLease(Duration.ofSeconds(60)).id();
            leases.add(lease);
        }
        registry.states().publish(UnitStateRecord.of(name, u.hash(), machine, load, active, sub, T0), lease);
    }

    /**
     * Publishes a service endpoint of {@code unit} on {@code machine}, on the machine's lease (it must have
     * registered), as its agent does; its health changed at {@code since}.
     */
    void endpoint(String service, String unit, MachineId machine, String address, int port, ServiceHealth health,
            java.time.Instant since, String output) throws StoreException {
        registry.services().publish(new ServiceEndpoint(service, new UnitName(unit), machine, address, port,
                List.of("v1"), health, since, java.util.Optional.ofNullable(output)), machineLeases.get(machine));
    }

    /** Deregisters the endpoint, as the agent does when the unit stops. */
    void deregister(String service, String unit, MachineId machine) throws StoreException {
        registry.services().remove(service, new UnitName(unit), machine);
    }

    /** Submits a unit through the registry (not the API), e.g. to set up a listing. */
    void submit(String unit, String contents, DesiredState state) throws Exception {
        registry.units().create(new UnitName(unit), contents, state, false);
    }

    private static void check(ScheduleResult result) {
        if (!result.allApplied()) {
            throw new AssertionError("the schedule change was refused: " + result.refused());
        }
    }

    @Override
    public void close() throws StoreException {
        for (long lease : leases) {
            store.revokeLease(lease);
        }
    }
}
