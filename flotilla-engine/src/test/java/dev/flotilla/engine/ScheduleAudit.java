package dev.flotilla.engine;

import dev.flotilla.store.KvStore;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.Watch;
import dev.flotilla.store.WatchEvent;
import dev.flotilla.store.WatchListener;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Watches the per-machine schedule copies ({@code schedule/machines/<machine>/<unit>}, what agents
 * act on) and checks, at every store revision, that no unit is placed on two machines. Thread-safe.
 */
final class ScheduleAudit implements AutoCloseable {

    private final String prefix;
    private final Watch watch;
    // Must hold this to access the fields below.
    private final Map<String, Set<String>> machinesOf = new HashMap<>();
    private final List<String> violations = new ArrayList<>();
    private final List<Map<String, Integer>> loads = new ArrayList<>();
    private int revisionsSeen;

    private ScheduleAudit(KvStore store, String root) throws StoreException {
        prefix = root + "schedule/machines/";
        long revision = store.range(prefix).revision(); // the test's root is new: nothing placed yet
        watch = store.watch(prefix, true, revision + 1, new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> events) {
                record(events);
            }

            @Override
            public void onError(StoreException error) {
                synchronized (ScheduleAudit.this) {
                    violations.add("the audit's watch failed: " + error);
                }
            }
        });
    }

    static ScheduleAudit start(KvStore store, String root) throws StoreException {
        return new ScheduleAudit(store, root);
    }

    private synchronized void record(List<WatchEvent> events) {
        long revision = -1;
        for (WatchEvent e : events) {
            if (e.revision() != revision && revision != -1) {
                check(revision);
            }
            revision = e.revision();
            String[] parts = e.kv().key().substring(prefix.length()).split("/", 2);
            Set<String> machines = machinesOf.computeIfAbsent(parts[1], u -> new HashSet<>());
            if (e.type() == WatchEvent.Type.PUT) {
                machines.add(parts[0]);
            } else {
                machines.remove(parts[0]);
            }
        }
        check(revision);
    }

    private void check(long revision) {
        revisionsSeen++;
        Map<String, Integer> load = new HashMap<>();
        machinesOf.values().forEach(ms -> ms.forEach(m -> load.merge(m, 1, Integer::sum)));
        loads.add(load);
        machinesOf.forEach((unit, machines) -> {
            if (machines.size() > 1) {
                violations.add(unit + " on " + machines + " at revision " + revision);
            }
        });
    }

    /** Every moment a unit was on two machines (or the audit broke); empty when all was well. */
    synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    /**
     * The widest gap between the most and the least loaded of {@code machines} (units placed on each) seen at
     * any audited revision.
     */
    synchronized int widestSpread(Collection<String> machines) {
        int widest = 0;
        for (Map<String, Integer> load : loads) {
            int max = machines.stream().mapToInt(m -> load.getOrDefault(m, 0)).max().orElse(0);
            int min = machines.stream().mapToInt(m -> load.getOrDefault(m, 0)).min().orElse(0);
            widest = Math.max(widest, max - min);
        }
        return widest;
    }

    /** How many store revisions changed the schedule while audited. */
    synchronized int revisionsSeen() {
        return revisionsSeen;
    }

    @Override
    public void close() {
        watch.close();
    }
}
