package dev.flotilla.engine;

import dev.flotilla.engine.EngineStatus.Role;
import dev.flotilla.registry.Leadership;
import dev.flotilla.registry.MachineId;
import dev.flotilla.registry.Registry;
import dev.flotilla.store.KvStore;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's engine, one per agent: it campaigns for the engine leadership on the agent's
 * lease, and while it leads it keeps the schedule in line with the units and the live machines.
 * Each pass reads nothing from the store but what its registry watch delivered (a full read only
 * on election, after a broken watch or connection, and every {@link EngineSettings#resyncInterval()}),
 * plans with the pure {@link dev.flotilla.engine.scheduler.UnitScheduler}, and applies only the
 * changes, each compare-and-set against the revisions it was planned from and guarded by the
 * leadership term: a stale plan or a deposed leader writes nothing. Passes run on watch events,
 * a burst of them batched into one pass; an idle cluster costs no pass and no write.
 *
 * <p>Leadership lives on the lease: when the agent dies its lease expires, the leader key goes
 * with it, and another engine (watching that key) is elected at once, so a new leader takes over
 * within one lease TTL. While the store connection is
 * {@link dev.flotilla.store.ConnectionState#SUSPENDED SUSPENDED} a leader decides nothing
 * ({@link Role#PAUSED}); when it is {@link dev.flotilla.store.ConnectionState#LOST LOST}, or the
 * store shows that its term is over, it steps down and campaigns again once the store answers.
 * docs/engine.md tells the whole story.
 *
 * <p>Lifecycle (as Curator's {@code LeaderLatch}): construct, {@link #start()} once, {@link #close()}
 * (which resigns the leadership, so another takes over at once). Failure: store failures never
 * escape; they are logged and retried after {@link EngineSettings#retryDelay()}. Thread-safe:
 * every public method may be called from any thread; the work runs on one thread of its own.
 */
public final class Engine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    /** A listener registration; closing it removes the listener. Idempotent. */
    public interface Subscription extends AutoCloseable {
        /** Removes the listener; it may still receive a call already in progress. */
        @Override
        void close();
    }

    private enum Lifecycle { NEW, STARTED, CLOSED }

    private final KvStore store;
    private final MachineId machineId;
    private final Inbox inbox = new Inbox();
    private final EngineLoop loop;
    private final AtomicReference<Lifecycle> lifecycle = new AtomicReference<>(Lifecycle.NEW);
    private final List<EngineListener> listeners = new CopyOnWriteArrayList<>();
    /** Written only by the engine's thread (and by close before start). */
    private volatile EngineStatus status;
    /** Set by start; read by close after the lifecycle says it was started. */
    private volatile Thread thread;
    private volatile AutoCloseable connectionSubscription;

    /**
     * An engine for the machine {@code machineId}, not started.
     *
     * @param registry the cluster's registry
     * @param store the store {@code registry} is on: the engine follows its connection state and,
     *     while following, watches the leader key through it
     * @param machineId this agent's machine
     * @param leaseId this agent's current lease (asked on every campaign, so an agent that had to
     *     take a new lease needs no new engine); the leadership ends with it
     * @param clock stamps passes ({@link PassReport#startedAt()}); waits use the monotonic timer
     * @param settings timing; {@link EngineSettings#defaults()} suits a cluster
     */
    public Engine(Registry registry, KvStore store, MachineId machineId, LongSupplier leaseId, InstantSource clock,
            EngineSettings settings) {
        Objects.requireNonNull(registry, "registry");
        this.store = Objects.requireNonNull(store, "store");
        this.machineId = Objects.requireNonNull(machineId, "machineId");
        Objects.requireNonNull(leaseId, "leaseId");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(settings, "settings");
        this.status = new EngineStatus(machineId, Role.NEW, Optional.empty(), 0, 0, 0, Optional.empty(), 0);
        this.loop = new EngineLoop(registry, store, machineId, leaseId, clock, settings, inbox, new Observer());
    }

    /**
     * Starts campaigning, on a thread of the engine's own. Returns at once. It is a platform thread:
     * a virtual one would wait for a carrier behind the exec runtime's unit lifecycles, which hold
     * carriers in uncompensated system calls (process spawns, renames) while hundreds of units start,
     * and a pass would then start seconds late (docs/benchmarks.md, "Launch").
     *
     * @throws IllegalStateException when the engine was started or closed before
     */
    public void start() {
        if (!lifecycle.compareAndSet(Lifecycle.NEW, Lifecycle.STARTED)) {
            throw new IllegalStateException("an engine starts once; this one is " + lifecycle.get());
        }
        connectionSubscription = store.addConnectionStateListener((previous, current) -> inbox.connectionChanged());
        thread = Thread.ofPlatform().daemon().name("flotilla-engine-" + machineId.shortId()).start(loop);
    }

    /** What the engine does now and what its passes did; never blocks. */
    public EngineStatus status() {
        return status;
    }

    /**
     * Adds a listener for passes and role changes, called on the engine's thread from the next
     * event on. The same listener added twice is called twice.
     */
    public Subscription addListener(EngineListener listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * Stops the engine: a pass in progress finishes, a leader resigns (another engine is then
     * elected at once instead of after a lease TTL), watches end. Waits for the engine's thread;
     * that takes at most one store request timeout. Idempotent.
     */
    @Override
    public void close() {
        Lifecycle previous = lifecycle.getAndSet(Lifecycle.CLOSED);
        if (previous == Lifecycle.CLOSED) {
            return;
        }
        inbox.close();
        if (previous == Lifecycle.NEW) {
            status = new EngineStatus(machineId, Role.CLOSED, Optional.empty(), 0, 0, 0, Optional.empty(), 0);
            return;
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            connectionSubscription.close();
        } catch (Exception e) {
            LOG.warn("Engine on {}: could not remove its connection listener", machineId.shortId(), e);
        }
    }

    @Override
    public String toString() {
        return "Engine[" + machineId.shortId() + ", " + status.role() + "]";
    }

    /** Keeps {@link #status} and tells the listeners; runs on the engine's thread only. */
    private final class Observer implements EngineLoop.Observer {
        @Override
        public void roleChanged(Role role, Optional<Leadership> leader) {
            EngineStatus s = status;
            status = new EngineStatus(machineId, role, leader, s.passes(), s.decisionsApplied(), s.changesRefused(),
                    s.lastPass(), s.settledRevision());
            for (EngineListener l : listeners) {
                try {
                    l.roleChanged(role, leader);
                } catch (RuntimeException e) {
                    LOG.error("An engine listener failed on a role change; the engine goes on", e);
                }
            }
        }

        @Override
        public void settled(long revision) {
            EngineStatus s = status;
            status = new EngineStatus(machineId, s.role(), s.leader(), s.passes(), s.decisionsApplied(),
                    s.changesRefused(), s.lastPass(), revision);
        }

        @Override
        public void passCompleted(PassReport report) {
            EngineStatus s = status;
            status = new EngineStatus(machineId, s.role(), s.leader(), s.passes() + 1,
                    s.decisionsApplied() + report.applied().size(), s.changesRefused() + report.refused(),
                    Optional.of(report), s.settledRevision());
            for (EngineListener l : listeners) {
                try {
                    l.passCompleted(report);
                } catch (RuntimeException e) {
                    LOG.error("An engine listener failed on pass {}; the engine goes on", report.number(), e);
                }
            }
        }
    }
}
