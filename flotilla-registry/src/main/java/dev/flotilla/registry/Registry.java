package dev.flotilla.registry;

import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

import dev.flotilla.registry.KeyLayout.RegistryKey;
import dev.flotilla.store.KeyValue;
import dev.flotilla.store.KvStore;
import dev.flotilla.store.Op;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.TxnResult;
import dev.flotilla.store.Watch;
import dev.flotilla.unit.UnitName;

/**
 * The cluster's domain on the store: machines, units, the schedule, unit states and engine
 * leadership, under one root prefix (default {@value #DEFAULT_ROOT}; docs/key-layout.md describes
 * every key). Each part is reached through an accessor ({@link #units()}, {@link #machines()},
 * {@link #schedule()}, {@link #states()}, {@link #services()}, {@link #election()}); this class adds the consistent
 * reads and the typed watches that make engine and agent event-driven:
 * {@link #snapshot()} + {@link #watch} for the engine, {@link #machineView} + {@link #watchMachine}
 * for an agent.
 *
 * <p>Failure: every method propagates the store's {@link StoreException} (a
 * {@link dev.flotilla.store.TransientStoreException} may or may not have written); domain refusals
 * are {@link RegistryException}s. Readers never fail on a malformed value someone put under the
 * root: it is skipped and logged with its key.
 *
 * <p>Thread-safe: the registry holds no mutable state; any number of threads may share one.
 * Several registries (different roots) may share one store. Closing the store is the caller's job.
 */
public final class Registry {

    /** The root prefix used when none is given. */
    public static final String DEFAULT_ROOT = "/flotilla/";

    private final Context ctx;
    private final Units units;
    private final Machines machines;
    private final Schedule schedule;
    private final UnitStates states;
    private final Services services;
    private final EngineElection election;
    private final UserKeys userKeys;
    private final Drains drains;

    private Registry(Context ctx) {
        this.ctx = ctx;
        this.units = new Units(ctx);
        this.machines = new Machines(ctx);
        this.election = new EngineElection(ctx);
        this.schedule = new Schedule(ctx, election);
        this.states = new UnitStates(ctx);
        this.services = new Services(ctx);
        this.userKeys = new UserKeys(ctx.store(), ctx.keys().root());
        this.drains = new Drains(ctx);
    }

    /** A registry under {@value #DEFAULT_ROOT}, with the system clock. */
    public static Registry create(KvStore store) {
        return create(store, DEFAULT_ROOT, InstantSource.system());
    }

    /**
     * A registry under {@code root}, reading time (leader election times) from {@code clock}.
     *
     * @throws IllegalArgumentException unless {@code root} is non-empty and ends in {@code /}
     */
    public static Registry create(KvStore store, String root, InstantSource clock) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(clock, "clock");
        KeyLayout keys = new KeyLayout(root);
        return new Registry(new Context(store, keys, new EventDecoder(keys), clock));
    }

    /** The root prefix every key of this registry starts with. */
    public String root() {
        return ctx.keys().root();
    }

    /** Units: submit, read, desired states, destroy. */
    public Units units() {
        return units;
    }

    /** Machines: register on a lease, read. */
    public Machines machines() {
        return machines;
    }

    /** Drained machines: the engine places nothing new there and moves their units away. */
    public Drains drains() {
        return drains;
    }

    /** The schedule: placements, unschedulable reasons, compare-and-set plan application. */
    public Schedule schedule() {
        return schedule;
    }

    /** Unit states published by agents. */
    public UnitStates states() {
        return states;
    }

    /** Service endpoints published by agents, for load balancers and clients to find. */
    public Services services() {
        return services;
    }

    /** Engine leader election. */
    public EngineElection election() {
        return election;
    }

    /**
     * The keys of the cluster's users beside the registry (sidekicks' service records): any key outside the
     * root, read and written as given.
     */
    public UserKeys userKeys() {
        return userKeys;
    }

    /**
     * The whole registry at one revision, in one read of the root prefix. Watching from
     * {@code revision + 1} then sees every later change and nothing already read.
     *
     * @throws StoreException when the store fails
     */
    public RegistrySnapshot snapshot() throws StoreException {
        return SnapshotBuilder.of(ctx.store().range(root()), ctx.decoder());
    }

    /**
     * What concerns {@code machine}'s agent (its placements and the global units), at one revision,
     * in one read-only transaction: the cost does not grow with the units of other machines.
     *
     * @throws StoreException when the store fails
     */
    public MachineView machineView(MachineId machine) throws StoreException {
        KeyLayout keys = ctx.keys();
        TxnResult r = ctx.store().txn(List.of(), List.of(new Op.Get(keys.scheduleOnMachinePrefix(machine), true),
                new Op.Get(keys.prefix(KeyLayout.GLOBAL_UNITS), true)), List.of());
        TreeMap<UnitName, ScheduleEntry> scheduled = new TreeMap<>();
        ctx.decodeAll(r.gets().get(0).kvs(), Registry::decodeMachineSchedule).forEach(e -> scheduled.put(e.unit(), e));
        TreeMap<UnitName, GlobalUnitEntry> globals = new TreeMap<>();
        ctx.decodeAll(r.gets().get(1).kvs(), Registry::decodeGlobal).forEach(g -> globals.put(g.unit(), g));
        return new MachineView(r.revision(), machine, scheduled, globals);
    }

    /**
     * Watches the whole registry from {@code fromRevision} (a snapshot's revision + 1; 0 for "after
     * now"): every change as a {@link RegistryEvent}, in revision order, exactly once, until the
     * returned watch is closed. Per-machine schedule copies and the global-unit index are not
     * reported (their authoritative keys are). Undecodable values are skipped and logged.
     *
     * @throws StoreException when the store refuses the watch
     */
    public Watch watch(long fromRevision, RegistryListener listener) throws StoreException {
        RegistryWatch watch = new RegistryWatch(listener, ctx.decoder(), EventDecoder.Scope.CLUSTER);
        watch.add(ctx.store().watch(root(), true, fromRevision, watch.storeListener()));
        return watch;
    }

    /**
     * Watches what concerns {@code machine}'s agent from {@code fromRevision} (a
     * {@link MachineView}'s revision + 1): {@link RegistryEvent.ScheduleChanged} and
     * {@link RegistryEvent.ScheduleRemoved} of its placements, {@link RegistryEvent.GlobalUnitChanged}
     * and {@link RegistryEvent.GlobalUnitRemoved}. Each kind arrives in revision order, exactly once;
     * a placement event and a global-unit event may arrive in either order relative to each other
     * (they come from two store watches; {@link MachineView#withEvents} accepts them so). The
     * listener is called from one thread at a time.
     *
     * @throws StoreException when the store refuses the watch
     */
    public Watch watchMachine(MachineId machine, long fromRevision, RegistryListener listener) throws StoreException {
        RegistryWatch watch = new RegistryWatch(listener, ctx.decoder(), EventDecoder.Scope.MACHINE);
        try {
            watch.add(ctx.store().watch(ctx.keys().scheduleOnMachinePrefix(machine), true, fromRevision,
                    watch.storeListener()));
            watch.add(ctx.store().watch(ctx.keys().prefix(KeyLayout.GLOBAL_UNITS), true, fromRevision,
                    watch.storeListener()));
        } catch (StoreException | RuntimeException e) {
            watch.close();
            throw e;
        }
        return watch;
    }

    private static ScheduleEntry decodeMachineSchedule(KeyValue kv, RegistryKey key) {
        if (key instanceof RegistryKey.MachineSchedule k) {
            return EventDecoder.onMachine(Codec.schedule(kv, k.unit()), k, kv);
        }
        throw Context.wrongKey(kv);
    }

    private static GlobalUnitEntry decodeGlobal(KeyValue kv, RegistryKey key) {
        if (key instanceof RegistryKey.GlobalUnit(UnitName name)) {
            return Codec.globalUnit(kv, name);
        }
        throw Context.wrongKey(kv);
    }

    @Override
    public String toString() {
        return "Registry[" + root() + "]";
    }
}
