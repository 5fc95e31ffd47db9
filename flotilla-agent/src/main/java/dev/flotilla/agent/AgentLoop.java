package dev.flotilla.agent;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.registry.Machine;
import dev.flotilla.registry.MachineId;
import dev.flotilla.registry.Registry;
import dev.flotilla.store.ConnectionState;
import dev.flotilla.store.LeaseNotFoundException;
import dev.flotilla.store.StoreException;
import dev.flotilla.unit.MachineFacts;
import dev.flotilla.unit.UnitDefinition;
import dev.flotilla.unit.UnitName;

/**
 * The agent's moving parts: joining (lease, registration, watch), reconcile passes, fencing and
 * rejoining. Passes and joins run on one reconcile thread, so they never overlap; a fence may come
 * from any thread (the timer that checks the lease deadline, the lease renewer, the store's
 * connection listener) and takes the state lock, under which every runtime mutation of a pass also
 * runs, so no unit is started after a fence began. Events go to listeners on a thread of their own.
 */
final class AgentLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AgentLoop.class);

    private final AgentConfig config;
    private final MachineId id;
    private final Registry registry;
    private final Instant joinedAt;
    private final FencingPolicy fencing;
    /** Measures lease deadlines; see {@link MonotonicClock}. */
    private final MonotonicClock leaseClock;
    private final Duration retryDelay;
    private final Map<UnitName, UnitDefinition> loaded;
    private final Definitions definitions;
    private final TaskRunner runner;
    private final ServiceRegistrar services;
    private final Reconciler reconciler;
    private final AgentEvents events;
    private final AgentHeartbeat heartbeat;
    private final AgentThreads threads;
    private final AtomicBoolean passQueued = new AtomicBoolean();
    private final AtomicBoolean retryQueued = new AtomicBoolean();
    private volatile boolean resyncDue;
    private int joinFailures; // confined to the reconcile thread
    private int passFailures; // confined to the reconcile thread
    private volatile String apiUrl;
    private volatile Reconciler.Outcome counts = new Reconciler.Outcome(0, 0, 0, 0);

    /** Guards the fields below, and every runtime mutation against a concurrent fence. */
    private final ReentrantLock stateLock = new ReentrantLock();
    private final Condition phaseChanged = stateLock.newCondition();
    private AgentPhase phase = AgentPhase.STARTING;
    private Session session;
    private Instant startingUntil;
    private boolean rejoin = true;
    private boolean fenceSettling;
    private volatile boolean retired;
    /** The lease whose renewals move the heartbeat on: the joined session's, else none (-1). */
    private volatile long heldLease = -1;
    private OptionalLong lastLease = OptionalLong.empty();
    private Optional<String> lastFence = Optional.empty();

    AgentLoop(AgentConfig config, MachineId id, Runtimes runtimes, MachineFacts facts,
            Map<UnitName, UnitDefinition> loaded, AgentEvents events, AgentHeartbeat heartbeat, MonotonicClock leaseClock) {
        this.config = config;
        this.id = id;
        this.loaded = loaded;
        this.events = events;
        this.heartbeat = heartbeat;
        this.registry = Registry.create(config.store(), config.registryRoot(), config.clock());
        this.joinedAt = config.clock().instant();
        this.apiUrl = config.apiUrl();
        this.fencing = FencingPolicy.forTtl(config.leaseTtl());
        this.leaseClock = leaseClock;
        this.retryDelay = Duration.ofMillis(Math.clamp(config.leaseTtl().toMillis() / 5, 100, 1000));
        this.definitions = new Definitions(registry.units());
        this.threads = new AgentThreads("flotilla-agent-" + id.shortId(), id.value());
        this.services = new ServiceRegistrar(registry.services(), id, config.publicIp(), config.clock(),
                config.unitEnvironment());
        this.runner = new TaskRunner(runtimes, loaded, facts, config.unitEnvironment(), threads.reconcileThread(),
                this::requestPass, stateLock, services, delay -> threads.after(delay, this::requestPass));
        this.reconciler = new Reconciler(registry, new SnapshotBuilder(definitions, runtimes, facts, config.metadata()),
                definitions, runner, runtimes, loaded, services);
    }

    /**
     * Starts joining, the fencing checks (twice per margin, so that the agent fences before its
     * watchdog would) and the periodic resync. Called once.
     *
     * @param startingUntil until when (on the lease clock) the units adopted at start may run while
     *     the agent has not joined: one TTL after starting, or earlier when the previous agent's
     *     lease runs out sooner
     */
    void start(Instant startingUntil) {
        stateLock.lock();
        try {
            this.startingUntil = startingUntil;
        } finally {
            stateLock.unlock();
        }
        threads.every(fencing.margin().dividedBy(2), this::checkFence);
        threads.every(config.resyncInterval(), () -> {
            resyncDue = true;
            requestPass();
        });
        threads.onReconcileThread(this::tryJoin);
    }

    /** The store's connection changed: LOST fences; CONNECTED rejoins (when fenced) or retries a pass. */
    void connectionChanged(ConnectionState current) {
        if (current == ConnectionState.LOST) {
            fence("the store connection is LOST: the lease must be taken as expired", false);
        } else if (current == ConnectionState.CONNECTED) {
            threads.onReconcileThread(this::tryJoin);
            requestPass();
        }
    }

    /** Asks for a reconcile pass; requests made before the pass begins share it. Any thread. */
    void requestPass() {
        if (passQueued.compareAndSet(false, true) && !threads.onReconcileThread(this::runPass)) {
            passQueued.set(false);
        }
    }

    // ---- joining -------------------------------------------------------------------------------

    private void tryJoin() {
        OptionalLong previous;
        stateLock.lock();
        try {
            if (!mayJoin()) {
                return;
            }
            previous = lastLease;
        } finally {
            stateLock.unlock();
        }
        try {
            if (previous.isPresent()) {
                config.store().revokeLease(previous.getAsLong()); // its keys go; we write them again below
            }
            MachineLease lease = MachineLease.grant(config.store(), config.leaseTtl(), leaseClock, this::leaseLost,
                    this::leaseRenewed);
            Session joined = new Session(lease, new StateBook(registry.states(), id, lease.id(), config.clock()),
                    registry, id, this::requestPass);
            try {
                registry.machines().register(machine(), lease.id());
                joined.watch();
            } catch (StoreException | RuntimeException e) {
                abandon(joined);
                throw e;
            }
            stateLock.lock();
            try {
                if (!mayJoin()) {
                    abandon(joined); // fenced or closed meanwhile
                    return;
                }
                session = joined;
                phase = AgentPhase.JOINED;
                lastLease = OptionalLong.of(lease.id());
                phaseChanged.signalAll();
                // registered on the new lease: the machine lives as long as it does, and so may its units
                heldLease = lease.id();
                if (!retired) {
                    heartbeat.held(lease.validUntil());
                }
            } finally {
                stateLock.unlock();
            }
            heartbeat.flush(); // written before any unit starts: a watchdog past its fence time would stop it
            definitions.forgetClusterUnits();
            joinFailures = 0;
            LOG.info("machine {} ({}) joined on lease {} (TTL {})", id, config.publicIp(), Long.toHexString(lease.id()),
                    lease.ttl());
            events.emit(new AgentEvent.Joined(id, lease.id(), lease.ttl()));
            requestPass();
        } catch (StoreException | RuntimeException e) {
            if (joinFailures++ == 0) {
                LOG.warn("machine {} cannot join yet, retrying every {}: {}", id, retryDelay, e.getMessage());
            } else {
                LOG.debug("machine {} still cannot join: {}", id, e.getMessage());
            }
            threads.after(retryDelay, () -> threads.onReconcileThread(this::tryJoin));
        }
    }

    /** Whether a join may begin or complete now. State lock held. */
    private boolean mayJoin() {
        return (phase == AgentPhase.STARTING || phase == AgentPhase.FENCED) && !fenceSettling && rejoin;
    }

    private void abandon(Session joined) {
        joined.close();
        revokeQuietly(joined.lease.id());
    }

    private void revokeQuietly(long lease) {
        try {
            config.store().revokeLease(lease);
        } catch (StoreException e) {
            LOG.warn("could not revoke lease {}: {}", Long.toHexString(lease), e.getMessage());
        }
    }

    Machine machine() {
        return Machine.of(id, config.publicIp(), config.metadata(), apiUrl, config.hostname(), joinedAt);
    }

    /** Registers {@code url} as the machine's API URL (now when joined, else at the next join). */
    void setApiUrl(String url) {
        apiUrl = url;
        threads.onReconcileThread(() -> {
            Session s = currentSession();
            if (s != null) {
                try {
                    registry.machines().register(machine(), s.lease.id());
                } catch (StoreException e) {
                    resyncDue = true; // the resync registers again
                    scheduleRetry();
                }
            }
        });
    }

    // ---- fencing -------------------------------------------------------------------------------

    /**
     * A keep-alive succeeded: the heartbeat tells the watchdog how long the units may run. On the
     * renewer's thread, so it takes no lock and only hands the instant to the heartbeat's writer.
     */
    private void leaseRenewed(long leaseId, Instant validUntil) {
        if (heldLease == leaseId && !retired) {
            heartbeat.held(validUntil);
        }
    }

    private void leaseLost(long leaseId, String reason) {
        Session s = currentSession();
        if (s != null && s.lease.id() == leaseId) {
            fence(reason, false);
        }
    }

    private void checkFence() {
        AgentPhase p;
        Instant validUntil;
        stateLock.lock();
        try {
            p = phase;
            validUntil = p == AgentPhase.JOINED ? session.lease.validUntil() : startingUntil;
            if (fenceSettling && !retired) {
                heartbeat.fencing(config.leaseTtl()); // still stopping units: the watchdog waits
            }
        } finally {
            stateLock.unlock();
        }
        Optional<String> watchdog = heartbeat.fencedByWatchdog();
        if (watchdog.isPresent()) {
            heartbeat.clearFenced();
            if (p == AgentPhase.STARTING || p == AgentPhase.JOINED) {
                fence("the fencing watchdog stopped this machine's units " + watchdog.get(), false);
                return;
            }
        }
        fencing.decide(p, leaseClock.instant(), validUntil, config.store().connectionState())
                .ifPresent(reason -> fence(reason, false));
    }

    /**
     * Fences: ends the session, stops every unit, and (unless draining) rejoins once they are all
     * stopped. Does nothing when not starting or joined (unless draining). Returns when the stops
     * are issued; the result completes once every unit is stopped and released. Any thread.
     */
    CompletableFuture<Void> fence(String reason, boolean drain) {
        Session ended;
        OptionalLong lease;
        CompletableFuture<Void> stopped;
        stateLock.lock();
        try {
            boolean active = phase == AgentPhase.STARTING || phase == AgentPhase.JOINED;
            if (phase == AgentPhase.CLOSED || !active && !drain) {
                return CompletableFuture.completedFuture(null);
            }
            rejoin &= !drain;
            ended = session;
            session = null;
            lease = ended == null ? OptionalLong.empty() : OptionalLong.of(ended.lease.id());
            phase = AgentPhase.FENCED;
            fenceSettling = true;
            lastFence = Optional.of(reason);
            phaseChanged.signalAll();
            heldLease = -1;
            if (!retired) {
                heartbeat.fencing(config.leaseTtl()); // the agent stops the units itself
            }
            if (drain) {
                services.withdrawAll(); // before any unit is signalled; on a fence they go with the lease
            }
            services.forgetAll();
            stopped = runner.stopAll();
        } finally {
            stateLock.unlock();
        }
        if (drain) {
            LOG.info("machine {} drains: stopping every unit", id);
        } else {
            LOG.warn("machine {} fences its units: {}", id, reason);
        }
        if (ended != null) {
            ended.close();
        }
        events.emit(new AgentEvent.Fenced(id, lease, reason));
        stopped.whenComplete((ok, error) -> threads.onReconcileThread(this::fenceSettled));
        return stopped;
    }

    private void fenceSettled() {
        loaded.clear(); // the next session loads everything from scratch
        stateLock.lock();
        try {
            fenceSettling = false;
        } finally {
            stateLock.unlock();
        }
        tryJoin();
    }

    /**
     * The machine leaves (a drain, after its units stopped): the heartbeat tells the watchdog to stop
     * anything left and exit, and is not written again.
     */
    void retireHeartbeat() {
        stateLock.lock();
        try {
            retired = true;
            heldLease = -1;
            heartbeat.retire();
        } finally {
            stateLock.unlock();
        }
        heartbeat.flush();
    }

    /** Revokes the last lease, if any (draining: the machine leaves at once). */
    void revokeLastLease() {
        OptionalLong lease;
        stateLock.lock();
        try {
            lease = lastLease;
        } finally {
            stateLock.unlock();
        }
        lease.ifPresent(this::revokeQuietly);
    }

    // ---- passes --------------------------------------------------------------------------------

    private void runPass() {
        passQueued.set(false);
        Session s = currentSession();
        if (s == null) {
            return;
        }
        boolean resync = resyncDue;
        resyncDue = false;
        long started = System.nanoTime();
        try {
            Reconciler.Outcome outcome = reconciler.pass(s, resync, this::machine, () -> currentSession() == s);
            counts = outcome;
            passFailures = 0;
            events.emit(new AgentEvent.Reconciled(id, Duration.ofNanos(System.nanoTime() - started), Optional.empty(),
                    outcome.failedTasks()));
            if (outcome.failedTasks() > 0) {
                scheduleRetry();
            }
        } catch (LeaseNotFoundException e) {
            events.emit(new AgentEvent.Reconciled(id, Duration.ofNanos(System.nanoTime() - started),
                    Optional.of("its lease is gone"), 0));
            leaseLost(s.lease.id(), "the store refused a write on lease " + Long.toHexString(s.lease.id())
                    + ": it is gone");
        } catch (StoreException | RuntimeException e) {
            events.emit(new AgentEvent.Reconciled(id, Duration.ofNanos(System.nanoTime() - started),
                    Optional.of(e.toString()), 0));
            if (passFailures++ == 0) {
                LOG.warn("reconcile pass of machine {} failed, retrying every {}: {}", id, retryDelay, e.toString());
            } else {
                LOG.debug("reconcile pass of machine {} failed again: {}", id, e.toString());
            }
            resyncDue |= resync;
            scheduleRetry();
        }
    }

    private void scheduleRetry() {
        if (retryQueued.compareAndSet(false, true)) {
            threads.after(retryDelay, () -> {
                retryQueued.set(false);
                requestPass();
            });
        }
    }

    // ---- state and lifecycle -------------------------------------------------------------------

    private Session currentSession() {
        stateLock.lock();
        try {
            return phase == AgentPhase.JOINED ? session : null;
        } finally {
            stateLock.unlock();
        }
    }

    AgentStatus status() {
        stateLock.lock();
        try {
            Reconciler.Outcome c = counts;
            OptionalLong lease = session == null ? OptionalLong.empty() : OptionalLong.of(session.lease.id());
            return new AgentStatus(id, phase, lease, config.store().connectionState(), c.units(), c.globals(),
                    c.running(), lastFence);
        } finally {
            stateLock.unlock();
        }
    }

    boolean awaitJoined(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        stateLock.lock();
        try {
            while (phase != AgentPhase.JOINED && phase != AgentPhase.CLOSED && nanos > 0) {
                nanos = phaseChanged.awaitNanos(nanos);
            }
            return phase == AgentPhase.JOINED;
        } finally {
            stateLock.unlock();
        }
    }

    /**
     * Stops the threads and the session (its lease is left to expire). Units keep running. A joined
     * agent renews its lease once more first (when the store answers) and writes the heartbeat from
     * it, so that an agent restarted over the same data directory has a whole TTL to take the units
     * over before the watchdog fences them.
     */
    @Override
    public void close() {
        Session ended;
        boolean joined;
        stateLock.lock();
        try {
            if (phase == AgentPhase.CLOSED) {
                return;
            }
            joined = phase == AgentPhase.JOINED && !retired;
            heldLease = -1;
            phase = AgentPhase.CLOSED;
            ended = session;
            session = null;
            phaseChanged.signalAll();
        } finally {
            stateLock.unlock();
        }
        threads.close();
        services.close();
        if (ended != null) {
            ended.close();
            if (joined && config.store().connectionState() == ConnectionState.CONNECTED) {
                ended.lease.renewOnce().ifPresent(heartbeat::held);
            }
        }
    }
}
