package dev.flotilla.registry;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

import dev.flotilla.store.KvStore;
import dev.flotilla.store.Lease;
import dev.flotilla.store.StoreException;
import dev.flotilla.unit.UnitName;

/**
 * What every registry contract shares: a store supplied by the backend subclass (shared by the
 * class's tests), a registry under a root unique to the running test, leases that are revoked
 * after each test (so that no expiry from an earlier test moves the revision during a later one),
 * and fixtures.
 */
abstract class RegistryTestBase {

    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    static final MachineId M1 = new MachineId("11111111111111111111111111111111");
    static final MachineId M2 = new MachineId("22222222222222222222222222222222");
    static final MachineId M3 = new MachineId("33333333333333333333333333333333");
    static final String PLAIN = "[Service]\nExecStart=/bin/sleep 1000\n";

    private static final AtomicLong SEQUENCE = new AtomicLong();

    /** The registry under test, rooted at a prefix unique to the test. */
    Registry registry;
    String root;
    private final List<Long> leases = new ArrayList<>();

    /** The backend's store; shared by all tests of the class and closed by the subclass. */
    abstract KvStore store();

    @BeforeEach
    void uniqueRoot(TestInfo info) {
        root = "/registry-test/" + info.getTestMethod().orElseThrow().getName() + "-" + SEQUENCE.incrementAndGet() + "/";
        registry = Registry.create(store(), root, InstantSource.fixed(T0));
    }

    @AfterEach
    void revokeLeases() throws StoreException {
        for (long lease : leases) {
            store().revokeLease(lease);
        }
    }

    /** A lease that outlives the test unless revoked; revoked after the test. */
    long lease() throws StoreException {
        Lease lease = store().grantLease(Duration.ofSeconds(60));
        leases.add(lease.id());
        return lease.id();
    }

    /** The store's current revision, from a read that matches nothing. */
    long storeRevision() throws StoreException {
        return store().range("/registry-test-nothing/").revision();
    }

    static UnitName unit(String name) {
        return new UnitName(name);
    }

    static Machine machine(MachineId id, String ip) {
        return Machine.of(id, ip, Map.of("region", "us"), "http://" + ip + ":8080", "host-" + id.shortId(), T0);
    }

    static UnitStateRecord running(UnitName unit, MachineId machine) {
        return UnitStateRecord.of(unit, dev.flotilla.unit.ContentHash.of(PLAIN), machine, "loaded", "active",
                "running", T0);
    }

    /** Submits {@code name} with {@link #PLAIN} contents in {@code state}. */
    UnitRecord submit(String name, DesiredState state) throws StoreException, RegistryException {
        return registry.units().create(unit(name), PLAIN, state, false).unit();
    }

    /** Places {@code name} on {@code machine} against the current snapshot; fails the test if refused. */
    ScheduleResult place(String name, MachineId machine) throws StoreException {
        RegistrySnapshot s = registry.snapshot();
        UnitRecord u = s.units().get(unit(name));
        ScheduleResult r = registry.schedule().apply(List.of(
                new ScheduleChange.Place(ScheduleEntry.of(u, machine), s.basis(u.name()))));
        if (!r.allApplied()) {
            throw new AssertionError("placing " + name + " was refused: " + r.refused());
        }
        return r;
    }
}
