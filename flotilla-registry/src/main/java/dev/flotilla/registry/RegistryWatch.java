package dev.flotilla.registry;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.store.StoreException;
import dev.flotilla.store.Watch;
import dev.flotilla.store.WatchEvent;
import dev.flotilla.store.WatchListener;

/**
 * A registry watch over one or more store watches: decodes their batches and hands them to one
 * {@link RegistryListener}, one call at a time, until closed or until one of them fails (then the
 * others are closed and the listener told once). Thread-safe.
 */
final class RegistryWatch implements Watch {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryWatch.class);

    private final RegistryListener listener;
    private final EventDecoder decoder;
    private final EventDecoder.Scope scope;
    private final List<Watch> watches = new CopyOnWriteArrayList<>();
    /** Serialises listener calls across the store watches; guards {@link #ended}. */
    private final Object delivery = new Object();
    private boolean ended; // guarded by delivery

    RegistryWatch(RegistryListener listener, EventDecoder decoder, EventDecoder.Scope scope) {
        this.listener = listener;
        this.decoder = decoder;
        this.scope = scope;
    }

    /** The store listener feeding this watch; its watch must then be {@linkplain #add added}. */
    WatchListener storeListener() {
        return new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> events) {
                deliver(events);
            }

            @Override
            public void onError(StoreException error) {
                fail(error);
            }
        };
    }

    void add(Watch watch) {
        watches.add(watch);
        boolean closeNow;
        synchronized (delivery) {
            closeNow = ended;
        }
        if (closeNow) {
            watch.close();
        }
    }

    private void deliver(List<WatchEvent> batch) {
        List<RegistryEvent> events = decoder.events(batch, scope);
        if (events.isEmpty()) {
            return;
        }
        synchronized (delivery) {
            if (ended) {
                return;
            }
            try {
                listener.onEvents(events);
            } catch (RuntimeException e) {
                LOG.error("A registry listener failed on events at revision {}; the watch goes on",
                        events.getFirst().revision(), e);
            }
        }
    }

    private void fail(StoreException error) {
        synchronized (delivery) {
            if (ended) {
                return;
            }
            ended = true;
            try {
                listener.onError(error);
            } catch (RuntimeException e) {
                LOG.error("A registry listener failed on the end of its watch", e);
            }
        }
        watches.forEach(Watch::close);
    }

    /** Stops delivery; a call in progress finishes first. Idempotent. */
    @Override
    public void close() {
        synchronized (delivery) {
            ended = true;
        }
        watches.forEach(Watch::close);
    }
}
