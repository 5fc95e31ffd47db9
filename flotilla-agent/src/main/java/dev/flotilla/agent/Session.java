package dev.flotilla.agent;

import dev.flotilla.registry.MachineId;
import dev.flotilla.registry.MachineView;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.RegistryEvent;
import dev.flotilla.registry.RegistryListener;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.Watch;

import java.util.List;

/**
 * What an agent holds while joined on one lease: the lease, the watch of its registry view, the
 * view kept current by that watch, and the book of states published on the lease. A fence ends the
 * session; rejoining starts a new one, so nothing of an old lease leaks into the next. The view is
 * guarded by a lock (the watch thread writes it, the reconcile thread reads it); the rest is
 * confined to the reconcile thread. {@link Registry#watchMachine} delivers placement and
 * global-unit events from two store watches, in any order relative to each other;
 * {@link MachineView#withEvents} keeps a revision per kind, so one view takes both.
 */
final class Session implements AutoCloseable {

    final MachineLease lease;
    final StateBook states;
    private final Registry registry;
    private final MachineId machine;
    private final Runnable onChange;

    private final Object lock = new Object();
    private MachineView view; // guarded by lock
    private Watch watch; // guarded by lock
    private boolean watchEnded; // guarded by lock
    private boolean closed; // guarded by lock

    Session(MachineLease lease, StateBook states, Registry registry, MachineId machine, Runnable onChange) {
        this.lease = lease;
        this.states = states;
        this.registry = registry;
        this.machine = machine;
        this.onChange = onChange;
    }

    /**
     * Reads the view and watches it from there (replacing a watch that ended).
     *
     * @throws StoreException when the store fails
     */
    void watch() throws StoreException {
        MachineView fresh = registry.machineView(machine);
        synchronized (lock) {
            view = fresh;
            watchEnded = false;
        }
        Watch started = registry.watchMachine(machine, fresh.revision() + 1, new RegistryListener() {
            @Override
            public void onEvents(List<RegistryEvent> events) {
                synchronized (lock) {
                    view = view.withEvents(events);
                }
                onChange.run();
            }

            @Override
            public void onError(StoreException error) {
                synchronized (lock) {
                    watchEnded = true;
                }
                onChange.run();
            }
        });
        Watch previous;
        synchronized (lock) {
            previous = watch;
            watch = started;
            if (closed) {
                started.close();
            }
        }
        if (previous != null) {
            previous.close();
        }
    }

    /**
     * Re-reads the view (the periodic resync), or re-watches when the watch has ended.
     *
     * @throws StoreException when the store fails
     */
    void refresh() throws StoreException {
        boolean ended;
        synchronized (lock) {
            ended = watchEnded;
        }
        if (ended) {
            watch();
            return;
        }
        MachineView fresh = registry.machineView(machine);
        synchronized (lock) {
            if (fresh.revision() >= view.revision()) {
                view = fresh;
            }
        }
    }

    /** Whether the watch has ended (compacted history, refused) and needs {@link #refresh}. */
    boolean watchEnded() {
        synchronized (lock) {
            return watchEnded;
        }
    }

    /** The current view. */
    MachineView view() {
        synchronized (lock) {
            return view;
        }
    }

    /** Stops the watch and the renewals; the lease is left to expire (or to the caller to revoke). */
    @Override
    public void close() {
        Watch w;
        synchronized (lock) {
            closed = true;
            w = watch;
        }
        if (w != null) {
            w.close();
        }
        lease.close();
    }
}
