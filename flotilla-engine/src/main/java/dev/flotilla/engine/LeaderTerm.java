package dev.flotilla.engine;

import dev.flotilla.engine.scheduler.Decision;
import dev.flotilla.engine.scheduler.Plan;
import dev.flotilla.engine.scheduler.UnitScheduler;
import dev.flotilla.registry.Leadership;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.RegistryEvent;
import dev.flotilla.registry.RegistryListener;
import dev.flotilla.registry.RegistrySnapshot;
import dev.flotilla.registry.ScheduleChange;
import dev.flotilla.registry.ScheduleRefusal;
import dev.flotilla.registry.ScheduleResult;
import dev.flotilla.registry.UnschedulableRecord;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.Watch;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One leadership term: a registry snapshot kept current by a watch of the whole registry, and the
 * passes planned from it. A pass maps the snapshot, plans, turns the plan into schedule changes
 * with their basis and applies them guarded by the term, so a change is written only if neither
 * its unit nor its placement changed since the snapshot and this term still lasts. The per-change
 * compare is the re-check Nomad's plan applier makes before committing: the planner may work from
 * a stale view, but the store accepts only what still holds. Refused changes are planned again.
 * Used by one thread (the engine's); closing it stops its watch.
 */
final class LeaderTerm implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderTerm.class);

    /**
     * What a pass came to.
     *
     * @param report what it did; null when it found the term over before planning
     * @param deposed whether the store refused a change because the term is over
     * @param retry whether changes were refused for being stale: plan again soon
     */
    record Outcome(PassReport report, boolean deposed, boolean retry) {
    }

    private final Registry registry;
    private final Leadership term;
    private final Inbox inbox;
    private final ClusterMapper mapper;
    private final UnitScheduler scheduler;
    private final InstantSource clock;
    private final Echoes echoes = new Echoes();
    private final List<RegistryEvent> pending = new ArrayList<>();
    private RegistrySnapshot snapshot;
    private Watch watch;
    private boolean over;
    /** The store revision of this term's last write: the next pass waits until the snapshot includes it. */
    private long lastWrite;

    LeaderTerm(Registry registry, Leadership term, Inbox inbox, ClusterMapper mapper, UnitScheduler scheduler,
            InstantSource clock) {
        this.registry = registry;
        this.term = term;
        this.inbox = inbox;
        this.mapper = mapper;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    Leadership leadership() {
        return term;
    }

    /** Whether {@link #begin()} has succeeded (a failed one is tried again). */
    boolean isStarted() {
        return watch != null;
    }

    /** Reads a fresh snapshot and (re)starts the watch from just after it; the term may turn out to be over. */
    void begin() throws StoreException {
        closeWatch();
        long generation = inbox.newGeneration();
        pending.clear();
        echoes.clear();
        snapshot = registry.snapshot();
        checkLeader();
        watch = registry.watch(snapshot.revision() + 1, new RegistryListener() {
            @Override
            public void onEvents(List<RegistryEvent> events) {
                inbox.offerEvents(generation, events);
            }

            @Override
            public void onError(StoreException error) {
                inbox.watchFailed(generation, error);
            }
        });
    }

    /**
     * Re-reads the whole registry (the periodic resync, or after the connection came back) without
     * restarting the watch: events already queued or still to come at or below the new snapshot's
     * revision are ignored when folded in.
     */
    void resync() throws StoreException {
        snapshot = registry.snapshot();
        checkLeader();
    }

    /** Takes events from the watch; returns whether they call for a pass. May end the term. */
    boolean add(List<RegistryEvent> events) {
        if (events.isEmpty()) {
            return false;
        }
        pending.addAll(events);
        for (RegistryEvent e : events) {
            if (e instanceof RegistryEvent.LeaderGone
                    || e instanceof RegistryEvent.LeaderElected le && le.leadership().term() != term.term()) {
                over = true;
            }
        }
        return echoes.anyRelevant(events);
    }

    /** The newest store revision this term has seen: its snapshot's, or a later event's. */
    long seenRevision() {
        return pending.isEmpty() ? snapshot.revision() : Math.max(snapshot.revision(), pending.getLast().revision());
    }

    /**
     * Whether the snapshot includes this term's own last writes (their events have come back, or a fresh
     * read came after them). Planning before that would plan from placements that are already stale: the
     * units just placed look unplaced and their machines less loaded than they are, so the next units
     * would pile onto the machines chosen last.
     */
    boolean caughtUp() {
        return seenRevision() >= lastWrite;
    }

    /** Whether the store has shown that this term is over (the leader key is gone or another's). */
    boolean isOver() {
        return over;
    }

    /** Plans from the current snapshot and applies the plan guarded by this term. */
    Outcome pass(long number) throws StoreException {
        Instant startedAt = clock.instant();
        long start = System.nanoTime();
        snapshot = snapshot.withEvents(pending);
        pending.clear();
        checkLeader();
        if (over) {
            return new Outcome(null, true, false);
        }
        ClusterMapper.Mapped mapped = mapper.map(snapshot);
        Plan plan = scheduler.plan(mapped.cluster());
        PlanChanges.Batch batch = PlanChanges.of(plan, snapshot, mapped.unparseable());
        List<Decision> applied = new ArrayList<>();
        List<UnschedulableRecord> marked = new ArrayList<>();
        boolean deposed = false;
        int refusedForStaleness = 0;
        if (!batch.changes().isEmpty()) {
            ScheduleResult result = registry.schedule().apply(batch.changes(), term);
            echoes.expect(result.applied(), result.revision());
            if (!result.applied().isEmpty()) {
                lastWrite = Math.max(lastWrite, result.revision());
            }
            for (ScheduleChange c : result.applied()) {
                Decision d = batch.decisions().get(c.unit());
                if (d != null) {
                    applied.add(d);
                }
                if (c instanceof ScheduleChange.MarkUnschedulable m) {
                    marked.add(m.record());
                }
            }
            for (ScheduleRefusal r : result.refused()) {
                if (r.reason() == ScheduleRefusal.Reason.NOT_LEADER) {
                    deposed = true;
                } else {
                    refusedForStaleness++;
                    LOG.debug("{} of {} refused ({}); planned again on the next pass", r.change().getClass()
                            .getSimpleName(), r.change().unit(), r.reason());
                }
            }
            over |= deposed;
        }
        PassReport report = report(number, startedAt, start, plan, applied, marked, refusedForStaleness);
        logPass(report, batch.changes().size());
        return new Outcome(report, deposed, refusedForStaleness > 0);
    }

    private PassReport report(long number, Instant startedAt, long start, Plan plan, List<Decision> applied,
            List<UnschedulableRecord> marked, int refused) {
        return new PassReport(number, term.term(), startedAt, Duration.ofNanos(System.nanoTime() - start),
                snapshot.revision(), snapshot.machines().size(), snapshot.units().size(), applied, marked,
                plan.unschedulable().size(), refused);
    }

    private void logPass(PassReport r, int changes) {
        if (changes == 0) {
            LOG.debug("Pass {} at revision {}: nothing to change ({} ms)", r.number(), r.revision(),
                    r.duration().toMillis());
            return;
        }
        LOG.info("Pass {} at revision {}: {} decisions, {} unschedulable reasons written, {} refused; {} machines, "
                + "{} units, {} unschedulable ({} ms)", r.number(), r.revision(), r.applied().size(),
                r.markedUnschedulable().size(), r.refused(), r.machines(), r.units(), r.unschedulable(),
                r.duration().toMillis());
        for (Decision d : r.applied()) {
            switch (d) {
                case Decision.Assign a -> LOG.debug("{}: assigned to {}", a.unit(), a.machineId());
                case Decision.Move m -> LOG.info("{}: moved from {} to {}: {}", m.unit(), m.from(), m.to(), m.reason());
                case Decision.Unassign u -> LOG.info("{}: unassigned from {}: {}", u.unit(), u.machineId(), u.reason());
            }
        }
    }

    private void checkLeader() {
        if (snapshot.leader().map(l -> l.term() != term.term()).orElse(true)) {
            over = true;
        }
    }

    private void closeWatch() {
        if (watch != null) {
            watch.close();
            watch = null;
        }
    }

    /** Stops the watch; the term's leadership is left as it is (resigning is the caller's choice). */
    @Override
    public void close() {
        closeWatch();
        inbox.newGeneration();
    }
}
