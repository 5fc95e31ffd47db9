package dev.flotilla.registry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.flotilla.store.Compare;
import dev.flotilla.store.KeyValue;
import dev.flotilla.store.Op;
import dev.flotilla.store.RangeResult;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.TxnResult;
import dev.flotilla.unit.UnitName;

/**
 * Applies one batch of schedule changes with compare-and-set (see {@link Schedule#apply}). Changes
 * are cut into chunks that fit etcd's transaction limit; each chunk is one transaction whose
 * compares are every change's basis (and the leader guard). When it fails, its other branch reads
 * the compared keys back, so the stale changes are found and refused without another read, and
 * the rest is tried again. Used once, by one thread.
 */
final class ScheduleApplier {

    /** etcd's default {@code --max-txn-ops}: the most compares, or operations in one branch, of a transaction. */
    static final int MAX_TXN_OPS = 128;
    /** Upper bounds per change: two compares, four writes, two reads back. */
    private static final int COMPARES_PER_CHANGE = 2;
    private static final int WRITES_PER_CHANGE = 4;

    private final Context ctx;
    private final Compare.ModRevision guard;
    private final List<ScheduleChange> applied = new ArrayList<>();
    private final List<ScheduleRefusal> refused = new ArrayList<>();
    private long revision;
    private boolean deposed;

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
        for (int from = 0; from < changes.size(); from += perTxn) {
            applyChunk(changes.subList(from, Math.min(changes.size(), from + perTxn)));
        }
        Map<UnitName, Integer> order = new HashMap<>();
        changes.forEach(c -> order.put(c.unit(), order.size()));
        applied.sort(Comparator.comparing(c -> order.get(c.unit())));
        refused.sort(Comparator.comparing(r -> order.get(r.change().unit())));
        return new ScheduleResult(applied, refused, revision);
    }

    private void applyChunk(List<ScheduleChange> chunk) throws StoreException {
        List<ScheduleChange> pending = new ArrayList<>(chunk);
        // Each failed round refuses at least one change, so this ends after at most chunk.size() + 1 rounds.
        while (!pending.isEmpty()) {
            if (deposed) {
                pending.forEach(c -> refused.add(new ScheduleRefusal(c, ScheduleRefusal.Reason.NOT_LEADER)));
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
                applied.addAll(pending);
                revision = r.revision();
                return;
            }
            pending = stillValid(pending, r.gets());
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
