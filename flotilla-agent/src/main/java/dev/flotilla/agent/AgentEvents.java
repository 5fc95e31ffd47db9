package dev.flotilla.agent;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.runtime.Subscription;

/**
 * Delivers {@link AgentEvent}s to {@link AgentListener}s in order, one at a time, on a thread of
 * its own (so a fence is announced at once even while the reconcile thread waits on the store).
 * Thread-safe.
 */
final class AgentEvents implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AgentEvents.class);

    private final List<AgentListener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService thread;

    AgentEvents(String name) {
        this.thread = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name(name).factory());
    }

    Subscription subscribe(AgentListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    void emit(AgentEvent event) {
        try {
            thread.execute(() -> {
                for (AgentListener listener : listeners) {
                    try {
                        listener.onEvent(event);
                    } catch (RuntimeException e) {
                        LOG.warn("an agent listener failed on {}", event, e);
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("agent closed; {} not delivered", event);
        }
    }

    /** Delivers what was emitted so far (for up to 5 s), then stops. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
