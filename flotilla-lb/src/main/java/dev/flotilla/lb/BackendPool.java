package dev.flotilla.lb;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * The balancer's backends: follows its source's full lists, keeps the ones in rotation (source passing, check
 * passing, not ejected) as an array the event loops read without locking, and picks the next backend.
 *
 * <p>Thread-safety: {@link #apply} and {@link #refresh} are synchronized (source thread, checker, event loops on
 * ejection); {@link #pick} reads a volatile snapshot and never blocks.
 */
final class BackendPool {

    private static final Logger LOG = LoggerFactory.getLogger(BackendPool.class);
    private static final Backend[] NONE = new Backend[0];

    private final String service;
    private final LbConfig.Balance balance;
    private final MeterRegistry registry;
    private final AtomicInteger next = new AtomicInteger();
    private final Map<String, Backend> byKey = new LinkedHashMap<>();
    private volatile Backend[] all = NONE;
    private volatile Backend[] inRotation = NONE;
    private Consumer<Backend> onNew = b -> { };

    BackendPool(String service, LbConfig.Balance balance, MeterRegistry registry) {
        this.service = service;
        this.balance = balance;
        this.registry = registry;
    }

    /** Called with each backend the source adds (the checker checks it at once). */
    synchronized void onNewBackend(Consumer<Backend> listener) {
        onNew = listener;
    }

    /** Makes the backends match the source's full list: new ones added (out of rotation until checked), gone ones removed. */
    void apply(List<BackendAddress> addresses) {
        List<Backend> added = new ArrayList<>();
        Consumer<Backend> listener;
        synchronized (this) {
            Map<String, Backend> old = new LinkedHashMap<>(byKey);
            byKey.clear();
            for (BackendAddress a : addresses) {
                String key = a.id() + "@" + a.hostPort();
                Backend b = old.remove(key);
                if (b == null) {
                    b = new Backend(a, service, registry);
                    added.add(b);
                    LOG.info("backend {} ({}) added by the source{}", a.id(), a.hostPort(),
                            a.passing() ? "" : ", which reports it failing");
                } else if (b.sourcePassing() != a.passing()) {
                    b.sourcePassing(a.passing());
                }
                byKey.putIfAbsent(key, b);
            }
            for (Backend gone : old.values()) {
                LOG.info("backend {} ({}) removed by the source", gone.address().id(), gone.address().hostPort());
                gone.remove();
            }
            all = byKey.values().toArray(NONE);
            listener = onNew;
            refresh();
        }
        added.forEach(listener);
    }

    /** Recomputes the backends in rotation after a health change, logging who entered or left it. */
    synchronized void refresh() {
        Backend[] before = inRotation;
        Backend[] now = Arrays.stream(all).filter(Backend::eligible).toArray(Backend[]::new);
        for (Backend b : now) {
            if (!contains(before, b)) {
                LOG.info("backend {} ({}) in rotation: {}", b.address().id(), b.address().hostPort(), b.checkOutput());
            }
        }
        for (Backend b : before) {
            if (!contains(now, b) && contains(all, b)) {
                LOG.warn("backend {} ({}) out of rotation ({}): {}", b.address().id(), b.address().hostPort(), b.health(),
                        b.sourcePassing() ? b.checkOutput() : "its source reports it failing");
            }
        }
        inRotation = now;
    }

    /** Takes {@code backend} out of rotation after a connection error, until its next passing check. */
    void eject(Backend backend, String why) {
        if (backend.eligible()) {
            backend.eject(why);
            refresh();
        }
    }

    /** Every backend the source lists, in its order. */
    Backend[] all() {
        return all;
    }

    int inRotationCount() {
        return inRotation.length;
    }

    /**
     * The next backend in rotation that is not in {@code tried}, or null when there is none. Lock-free and
     * allocation-free: called for every request on the event loops.
     */
    Backend pick(List<Backend> tried) {
        Backend[] candidates = inRotation;
        int n = candidates.length;
        if (n == 0) {
            return null;
        }
        int start = Math.floorMod(next.getAndIncrement(), n);
        if (balance == LbConfig.Balance.ROUND_ROBIN) {
            for (int i = 0; i < n; i++) {
                Backend b = candidates[(start + i) % n];
                if (!tried.contains(b)) {
                    return b;
                }
            }
            return null;
        }
        Backend best = null;
        int fewest = Integer.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            Backend b = candidates[(start + i) % n];
            int active = b.activeCount();
            if (active < fewest && !tried.contains(b)) {
                best = b;
                fewest = active;
            }
        }
        return best;
    }

    private static boolean contains(Backend[] array, Backend b) {
        for (Backend x : array) {
            if (x == b) {
                return true;
            }
        }
        return false;
    }
}
