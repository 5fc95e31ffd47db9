package dev.flotilla.engine;

import dev.flotilla.engine.EngineStatus.Role;
import dev.flotilla.engine.scheduler.UnitScheduler;
import dev.flotilla.registry.Leadership;
import dev.flotilla.registry.MachineId;
import dev.flotilla.registry.Registry;
import dev.flotilla.store.ConnectionState;
import dev.flotilla.store.KvStore;
import dev.flotilla.store.LeaseNotFoundException;
import dev.flotilla.store.StoreException;
import java.time.InstantSource;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's thread: a follower campaigns (on start, whenever the leader key changes, and every
 * resync interval) and otherwise waits; a leader folds watch events into its snapshot and runs a
 * pass once they settle, or on the periodic resync.
 *
 * <pre>
 *   FOLLOWING --campaign won--> LEADING --SUSPENDED--> PAUSED --CONNECTED--> LEADING (fresh read, pass)
 *       ^                          |                      |
 *       +--- LOST, leader key gone or another's, apply refused NOT_LEADER ---+
 * </pre>
 *
 * Every field is confined to the engine's thread; the outside world talks to it through the
 * {@link Inbox} and hears from it through the {@link Observer}.
 */
final class EngineLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(EngineLoop.class);

    /** Receives what the loop does, on the loop's thread. */
    interface Observer {
        void roleChanged(Role role, Optional<Leadership> leader);

        void passCompleted(PassReport report);

        /** The leader has acted on every change up to {@code revision}; called when it grows. */
        void settled(long revision);
    }

    private final Registry registry;
    private final KvStore store;
    private final MachineId machineId;
    private final LongSupplier leaseId;
    private final InstantSource clock;
    private final Inbox inbox;
    private final Observer observer;
    private final LeaderKeyWatch leaderKey;
    private final ClusterMapper mapper = new ClusterMapper();
    private final UnitScheduler scheduler = new UnitScheduler();
    private final long resyncNanos;
    private final long quietNanos;
    private final long maxBatchNanos;
    private final long retryNanos;

    private LeaderTerm term;
    private Role role = Role.NEW;
    private Optional<Leadership> leader = Optional.empty();
    private Optional<Leadership> announcedLeader = Optional.empty();
    private long passes;
    /** Whether a pass is due (once events settle and any retry delay has passed). */
    private boolean dirty;
    private long dirtySince;
    private long lastEventAt;
    private long retryAt = System.nanoTime();
    private long nextResync;
    private long leaseReported;
    private long settled;

    EngineLoop(Registry registry, KvStore store, MachineId machineId, LongSupplier leaseId, InstantSource clock,
            EngineSettings settings, Inbox inbox, Observer observer) {
        this.registry = registry;
        this.store = store;
        this.machineId = machineId;
        this.leaseId = leaseId;
        this.clock = clock;
        this.inbox = inbox;
        this.observer = observer;
        this.leaderKey = new LeaderKeyWatch(registry.election(), inbox);
        this.resyncNanos = settings.resyncInterval().toNanos();
        this.quietNanos = settings.quietPeriod().toNanos();
        this.maxBatchNanos = settings.maxBatchDelay().toNanos();
        this.retryNanos = settings.retryDelay().toNanos();
    }

    @Override
    public void run() {
        setRole(Role.FOLLOWING);
        try {
            while (!inbox.isClosed()) {
                try {
                    if (term == null) {
                        follow();
                    } else {
                        lead();
                    }
                } catch (StoreException | RuntimeException e) {
                    retryAt = System.nanoTime() + retryNanos;
                    if (term != null) {
                        markDirty(retryAt);
                    }
                    if (e instanceof StoreException) {
                        LOG.warn("Engine on {}: store failure ({}); trying again in {} ms", machineId.shortId(),
                                e.getMessage(), retryNanos / 1_000_000);
                    } else {
                        LOG.error("Engine on {}: unexpected failure; trying again in {} ms", machineId.shortId(),
                                retryNanos / 1_000_000, e);
                    }
                    inbox.awaitAnything(retryAt);
                }
            }
        } finally {
            shutDown();
        }
    }

    private void follow() throws StoreException {
        long now = System.nanoTime();
        if (now - retryAt < 0) {
            inbox.awaitAnything(retryAt);
            inbox.drain();
            return;
        }
        if (inbox.drain().closed()) {
            return;
        }
        if (store.connectionState() != ConnectionState.CONNECTED) {
            setRole(Role.FOLLOWING);
            inbox.awaitAnything(now + resyncNanos);
            return;
        }
        leaderKey.ensureStarted();
        long lease = leaseId.getAsLong();
        Optional<Leadership> won;
        try {
            won = registry.election().campaign(machineId, lease);
        } catch (LeaseNotFoundException e) {
            if (leaseReported != lease) {
                leaseReported = lease;
                LOG.warn("Engine on {}: its lease {} is gone; it cannot lead until the agent has a new one",
                        machineId.shortId(), Long.toHexString(lease));
            }
            retryAt = now + retryNanos;
            leader = registry.election().leader();
            setRole(Role.FOLLOWING);
            return;
        }
        if (won.isPresent()) {
            becomeLeader(won.get(), now);
            return;
        }
        leader = registry.election().leader();
        setRole(Role.FOLLOWING);
        inbox.awaitAnything(now + resyncNanos);
    }

    private void becomeLeader(Leadership won, long now) throws StoreException {
        leaderKey.close();
        LOG.info("Engine on {} leads (term {})", machineId.shortId(), won.term());
        term = new LeaderTerm(registry, won, inbox, mapper, scheduler, clock);
        leader = Optional.of(won);
        nextResync = now + resyncNanos;
        lastEventAt = now - quietNanos;
        markDirty(now);
        term.begin();
        if (term.isOver()) {
            stepDown("another leader was elected before it read the registry");
            return;
        }
        setRole(Role.LEADING);
    }

    private void lead() throws StoreException {
        if (!term.isStarted()) { // its first read failed: try again
            term.begin();
            markDirty(System.nanoTime());
            setRole(Role.LEADING);
        }
        inbox.awaitAnything(nextDeadline());
        Inbox.Drained d = inbox.drain();
        if (d.closed()) {
            return;
        }
        long now = System.nanoTime();
        ConnectionState connection = store.connectionState();
        if (connection == ConnectionState.LOST) {
            stepDown("the store connection is lost");
            return;
        }
        if (d.watchError() != null) {
            LOG.warn("Engine on {}: registry watch ended ({}); reading the registry again", machineId.shortId(),
                    d.watchError().getMessage());
            term.begin();
            markDirty(now);
        }
        if (term.add(d.events())) {
            markDirty(now);
            lastEventAt = now;
        }
        if (term.isOver()) {
            stepDown("its leadership term is over");
            return;
        }
        if (connection == ConnectionState.SUSPENDED) {
            setRole(Role.PAUSED);
            return;
        }
        if (role == Role.PAUSED) {
            term.resync(); // the watch resumed by itself; a fresh read makes sure nothing was missed
            markDirty(now);
            setRole(Role.LEADING);
        }
        if (now - nextResync >= 0) {
            term.resync();
            markDirty(now);
            nextResync = now + resyncNanos;
        }
        if (term.isOver()) {
            stepDown("its leadership term is over");
            return;
        }
        if (passDue(now)) {
            runPass();
        }
        if (!dirty && term != null && term.seenRevision() > settled) {
            settled = term.seenRevision();
            observer.settled(settled);
        }
    }

    private void runPass() throws StoreException {
        dirty = false;
        LeaderTerm.Outcome outcome = term.pass(passes + 1);
        try {
            if (outcome.report() != null) {
                passes++;
                observer.passCompleted(outcome.report());
            }
        } finally {
            if (outcome.deposed()) {
                stepDown("the store refused its writes: another term began");
            } else if (outcome.retry()) {
                long now = System.nanoTime();
                markDirty(now);
                retryAt = now + retryNanos;
            }
        }
    }

    private boolean passDue(long now) {
        return dirty && now - retryAt >= 0 && term.caughtUp()
                && (now - (lastEventAt + quietNanos) >= 0 || now - (dirtySince + maxBatchNanos) >= 0);
    }

    /** When the leader must look again without being woken: a pass falling due, or the resync. */
    private long nextDeadline() {
        long now = System.nanoTime();
        if (role == Role.PAUSED) {
            return now + resyncNanos;
        }
        long deadline = nextResync;
        if (dirty) {
            long settled = Math.min(lastEventAt + quietNanos - now, dirtySince + maxBatchNanos - now);
            long due = now + Math.max(Math.max(settled, retryAt - now), 0);
            deadline = due - deadline < 0 ? due : deadline;
        }
        return deadline;
    }

    private void markDirty(long now) {
        if (!dirty) {
            dirty = true;
            dirtySince = now;
        }
    }

    private void stepDown(String why) {
        LOG.info("Engine on {} steps down (term {}): {}", machineId.shortId(), term.leadership().term(), why);
        term.close();
        term = null;
        dirty = false;
        leader = Optional.empty();
        setRole(Role.FOLLOWING);
    }

    private void shutDown() {
        if (term != null) {
            try {
                // Handing over now saves the others a lease TTL of waiting.
                registry.election().resign(term.leadership());
            } catch (StoreException | RuntimeException e) {
                LOG.warn("Engine on {}: could not resign (term {}): {}; the leadership ends with its lease",
                        machineId.shortId(), term.leadership().term(), e.getMessage());
            }
            term.close();
            term = null;
        }
        leaderKey.close();
        leader = Optional.empty();
        setRole(Role.CLOSED);
    }

    private void setRole(Role next) {
        if (next != role || !leader.equals(announcedLeader)) {
            role = next;
            announcedLeader = leader;
            observer.roleChanged(next, leader);
        }
    }
}
