package dev.flotilla.registry;

import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.registry.RegistryEvent.EndpointChanged;
import dev.flotilla.registry.RegistryEvent.EndpointRemoved;
import dev.flotilla.store.CompactedException;
import dev.flotilla.store.RangeResult;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.Watch;

/**
 * The watch behind {@link Services#watch}: one read of the prefix, then a {@link RegistryWatch} on it
 * from the next revision, folding its endpoint events into a map and handing the listener the whole
 * list after each batch. A compacted start revision (the watch fell too far behind) is met with a
 * new read and a new watch. Thread-safe; the listener is called one call at a time.
 */
final class ServiceWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceWatch.class);

    /** A key of one endpoint, in the order of {@link ServiceEndpoint#ORDER}. */
    private record Id(String service, dev.flotilla.unit.UnitName unit, MachineId machine) implements Comparable<Id> {
        @Override
        public int compareTo(Id o) {
            int c = service.compareTo(o.service);
            if (c == 0) {
                c = unit.compareTo(o.unit);
            }
            return c != 0 ? c : machine.compareTo(o.machine);
        }
    }

    private final Context ctx;
    private final String prefix;
    private final Consumer<ServiceSnapshot> listener;
    /** Guards everything below and serialises listener calls. */
    private final Object lock = new Object();
    private final TreeMap<Id, ServiceEndpoint> endpoints = new TreeMap<>();
    private Watch watch;
    private boolean closed;

    ServiceWatch(Context ctx, String prefix, Consumer<ServiceSnapshot> listener) {
        this.ctx = ctx;
        this.prefix = prefix;
        this.listener = listener;
    }

    /** Reads, delivers the first snapshot and starts watching. */
    void start() throws StoreException {
        synchronized (lock) {
            if (closed) {
                return;
            }
            RangeResult range = ctx.store().range(prefix);
            endpoints.clear();
            for (ServiceEndpoint e : ctx.decodeAll(range.kvs(), Services::decode)) {
                endpoints.put(new Id(e.service(), e.unit(), e.machineId()), e);
            }
            deliver(range.revision());
            RegistryWatch w = new RegistryWatch(new RegistryListener() {
                @Override
                public void onEvents(List<RegistryEvent> events) {
                    apply(events);
                }

                @Override
                public void onError(StoreException error) {
                    restart(error);
                }
            }, ctx.decoder(), EventDecoder.Scope.CLUSTER);
            w.add(ctx.store().watch(prefix, true, range.revision() + 1, w.storeListener()));
            watch = w;
        }
    }

    private void apply(List<RegistryEvent> events) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            for (RegistryEvent event : events) {
                switch (event) {
                    case EndpointChanged c -> endpoints.put(
                            new Id(c.endpoint().service(), c.endpoint().unit(), c.endpoint().machineId()), c.endpoint());
                    case EndpointRemoved r -> endpoints.remove(new Id(r.service(), r.unit(), r.machineId()));
                    default -> { } // a stray key under the prefix; the decoder logged it
                }
            }
            deliver(events.getLast().revision());
        }
    }

    private void restart(StoreException error) {
        if (!(error instanceof CompactedException)) {
            LOG.error("The watch of service endpoints under {} was refused; no more changes will be delivered",
                    prefix, error);
            return;
        }
        LOG.info("The watch of service endpoints under {} fell behind the store's history; reading again", prefix);
        try {
            start();
        } catch (StoreException | RuntimeException e) {
            LOG.error("Cannot read service endpoints under {} again; no more changes will be delivered", prefix, e);
        }
    }

    private void deliver(long revision) {
        try {
            listener.accept(new ServiceSnapshot(revision, List.copyOf(endpoints.values())));
        } catch (RuntimeException e) {
            LOG.error("A service endpoint listener failed at revision {}; the watch goes on", revision, e);
        }
    }

    /** Stops delivery; a call in progress finishes first. Idempotent. */
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
    }
}
