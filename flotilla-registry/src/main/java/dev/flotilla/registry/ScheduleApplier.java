package dev.flotilla.registry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import dev.flotilla.store.Compare;
import dev.flotilla.store.KeyValue;
import dev.flotilla.store.Op;
import dev.flotilla.store.RangeResult;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.TransientStoreException;
import dev.flotilla.store.TxnResult;
import dev.flotilla.unit.UnitName;

/**
 * Applies one batch of schedule changes with compare-and-set (see {@link Schedule#apply}). Changes
 * are cut into chunks that fit etcd's transaction limit; each chunk is one transaction whose
 * compares are every change's basis (and the leader guard). When it fails, its other branch reads
 * the compared keys back, so the stale changes are found and refused without another read, and
 * the rest is tried again.
 *
 * <p>A batch of more than one chunk has up to {@value #CONCURRENT_TXNS} transactions in flight at
 * once, on platform threads of its own (the chunks touch disjoint keys: each unit is changed once
 * per batch). A leader placing 100,000 units otherwise waited for 3,226 transactions one after the
 * other, each behind every agent's writes for the store's lock or etcd's round trip
 * (docs/benchmarks/notes/scale.md). Used once, by one caller; its chunks' threads share its
 * results under its lock.
 */
final class ScheduleApplier {

    /** etcd's default {@code --max-txn-ops}: the most compares, or operations in one branch, of a transaction. */
    static final int MAX_TXN_OPS = 128;
    /** Upper bounds per change: two compares, four writes, two reads back. */
    private static final int COMPARES_PER_CHANGE = 2;
    private static final int WRITES_PER_CHANGE = 4;

    private final Context ctx;
    private final Compare.ModRevision guard;
    /** How many transactions of one batch may be in flight at once. */
    static final int CONCURRENT_TXNS = 8;

    private final List<ScheduleChange> applied = new ArrayList<>(); // guarded by this
    private final List<ScheduleRefusal> refused = new ArrayList<>(); // guarded by this
    private long revision; // guarded by this
    private volatile boolean deposed;
    /** Set when a chunk failed: the others take no new chunk. */
    private volatile boolean failed;

    /** {@code guard}: the leader compare, or null for an unguarded batch. */
    ScheduleApplier(Context ctx, Compare.ModRevision guard) {
        this.ctx = ctx;
        this.guard = guard;
    }

    ScheduleResult apply(List<ScheduleChange> changes) throws StoreException {
        Set<UnitName> seen = new HashSet<>();
        for (ScheduleChange c : changes) {
            if (!seen.add(c.unit())) {
                throw new IllegalArgumentException("a schedule batch may change each unit once; " + c.unit()
                        + " appears twice");
            }
        }
        int perTxn = (MAX_TXN_OPS - 1) / Math.max(COMPARES_PER_CHANGE, WRITES_PER_CHANGE);
        List<List<ScheduleChange>> chunks = new ArrayList<>();
        for (int from = 0; from < changes.size(); from += perTxn) {
            chunks.add(changes.subList(from, Math.min(changes.size(), from + perTxn)));
        }
        if (chunks.size() == 1) {
            applyChunk(chunks.getFirst());
        } else if (chunks.size() > 1) {
            applyConcurrently(chunks);
        }
        synchronized (this) {
            return result(changes);
        }
    }

    private ScheduleResult result(List<ScheduleChange> changes) {
        Map<UnitName, Integer> order = new HashMap<>();
        changes.forEach(c -> order.put(c.unit(), order.size()));
        applied.sort(Comparator.comparing(c -> order.get(c.unit())));
        refused.sort(Comparator.comparing(r -> order.get(r.change().unit())));
        return new ScheduleResult(applied, refused, revision);
    }

    /** Applies the chunks from up to {@value #CONCURRENT_TXNS} threads; the first failure is thrown once all have stopped. */
    private void applyConcurrently(List<List<ScheduleChange>> chunks) throws StoreException {
        int threads = Math.min(CONCURRENT_TXNS, chunks.size());
        AtomicInteger next = new AtomicInteger();
        List<Future<Void>> workers = new ArrayList<>(threads);
        StoreException storeFailure = null;
        RuntimeException bug = null;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().daemon()
                .name("flotilla-schedule-apply-", 0).factory())) {
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < chunks.size() && !failed; i = next.getAndIncrement()) {
                        applyChunk(chunks.get(i));
                    }
                    return null;
                }));
            }
            for (Future<Void> worker : workers) {
                try {
                    worker.get();
                } catch (ExecutionException e) {
                    failed = true;
                    if (e.getCause() instanceof StoreException s) {
                        storeFailure = storeFailure == null ? s : storeFailure; // the first one says it
                    } else if (e.getCause() instanceof RuntimeException r) {
                        bug = bug == null ? r : bug;
                    } else {
                        throw new IllegalStateException("applying schedule changes failed", e.getCause());
                    }
                } catch (InterruptedException e) {
                    failed = true;
                    Thread.currentThread().interrupt();
                    if (storeFailure == null) {
                        storeFailure = new TransientStoreException("interrupted while applying schedule changes", e);
                    }
                }
            }
        }
        if (bug != null) {
            throw bug;
        }
        if (storeFailure != null) {
            throw storeFailure;
        }
    }

    private void applyChunk(List<ScheduleChange> chunk) throws StoreException {
        List<ScheduleChange> pending = new ArrayList<>(chunk);
        // Each failed round refuses at least one change, so this ends after at most chunk.size() + 1 rounds.
        while (!pending.isEmpty()) {
            if (deposed) {
                synchronized (this) {
                    pending.forEach(c -> refused.add(new ScheduleRefusal(c, ScheduleRefusal.Reason.NOT_LEADER)));
                }
                return;
            }
            List<Compare> compares = new ArrayList<>();
            List<Op> writes = new ArrayList<>();
            List<Op> readBack = new ArrayList<>();
            if (guard != null) {
                compares.add(guard);
                readBack.add(new Op.Get(guard.key(), false));
            }
            for (ScheduleChange c : pending) {
                String unitKey = ctx.keys().unit(c.unit());
                String scheduleKey = ctx.keys().scheduleByUnit(c.unit());
                compares.add(new Compare.ModRevision(unitKey, c.basis().unitRevision()));
                compares.add(new Compare.ModRevision(scheduleKey, c.basis().scheduleRevision()));
                writes.addAll(writes(c));
                readBack.add(new Op.Get(unitKey, false));
                readBack.add(new Op.Get(scheduleKey, false));
            }
            TxnResult r = ctx.store().txn(compares, writes, readBack);
            if (r.succeeded()) {
                synchronized (this) {
                    applied.addAll(pending);
                    revision = Math.max(revision, r.revision());
                }
                return;
            }
            synchronized (this) {
                pending = stillValid(pending, r.gets());
            }
        }
    }

    private List<ScheduleChange> stillValid(List<ScheduleChange> pending, List<RangeResult> current) {
        int i = 0;
        if (guard != null) {
            long leaderRevision = modRevision(current.get(i++));
            if (leaderRevision != guard.modRevision()) {
                deposed = true;
                return pending;
            }
        }
        List<ScheduleChange> still = new ArrayList<>();
        for (ScheduleChange c : pending) {
            long unitRevision = modRevision(current.get(i++));
            long scheduleRevision = modRevision(current.get(i++));
            if (unitRevision != c.basis().unitRevision()) {
                refused.add(new ScheduleRefusal(c, ScheduleRefusal.Reason.UNIT_CHANGED));
            } else if (scheduleRevision != c.basis().scheduleRevision()) {
                refused.add(new ScheduleRefusal(c, ScheduleRefusal.Reason.SCHEDULE_CHANGED));
            } else {
                still.add(c);
            }
        }
        return still;
    }

    /** The writes of one change; never two on one key (etcd refuses a transaction that has them). */
    private List<Op> writes(ScheduleChange change) {
        KeyLayout keys = ctx.keys();
        UnitName unit = change.unit();
        Optional<MachineId> previous = change.basis().scheduledOn();
        List<Op> ops = new ArrayList<>(WRITES_PER_CHANGE);
        switch (change) {
            case ScheduleChange.Place p -> {
                byte[] value = Codec.encode(p.entry(), p.reason());
                MachineId target = p.entry().machineId();
                ops.add(new Op.Put(keys.scheduleByUnit(unit), value));
                ops.add(new Op.Put(keys.scheduleOnMachine(target, unit), value));
                previous.filter(m -> !m.equals(target))
                        .ifPresent(m -> ops.add(new Op.Delete(keys.scheduleOnMachine(m, unit), false)));
                ops.add(new Op.Delete(keys.unschedulable(unit), false));
            }
            case ScheduleChange.Unplace u -> {
                unplace(keys, unit, previous, ops);
                ops.add(new Op.Delete(keys.unschedulable(unit), false));
            }
            case ScheduleChange.MarkUnschedulable m -> {
                unplace(keys, unit, previous, ops);
                ops.add(new Op.Put(keys.unschedulable(unit), Codec.encode(m.record())));
            }
        }
        return ops;
    }

    private static void unplace(KeyLayout keys, UnitName unit, Optional<MachineId> previous, List<Op> ops) {
        previous.ifPresent(m -> {
            ops.add(new Op.Delete(keys.scheduleByUnit(unit), false));
            ops.add(new Op.Delete(keys.scheduleOnMachine(m, unit), false));
        });
    }

    private static long modRevision(RangeResult range) {
        List<KeyValue> kvs = range.kvs();
        return kvs.isEmpty() ? 0 : kvs.getFirst().modRevision();
    }
}
