package dev.flotilla.runtime.docker;

import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Event;

import dev.flotilla.runtime.docker.Engine.EngineException;
import dev.flotilla.unit.InvalidUnitNameException;
import dev.flotilla.unit.TimeSpan;
import dev.flotilla.unit.UnitName;

/**
 * A runtime's link to the engine: connects on first need, watches the events of the runtime's containers and
 * hands each to its unit, notices when the engine goes away (the event stream breaks, a request finds no
 * engine), retries every {@link DockerRuntimeConfig#engineRetry()} and, once the engine answers again, removes
 * orphans and has every unit check its container. Thread-safe.
 */
final class EngineWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EngineWatch.class);

    private final Engine engine;
    private final DockerRuntimeConfig config;
    private final Map<UnitName, ContainerUnit> units;
    private final ScheduledExecutorService scheduler;
    private final Object lock = new Object();
    // Guarded by lock (closed: written under it).
    private boolean watching;
    private boolean retryScheduled;
    private volatile boolean closed;
    private ResultCallback.Adapter<Event> events;

    EngineWatch(Engine engine, DockerRuntimeConfig config, Map<UnitName, ContainerUnit> units,
            ScheduledExecutorService scheduler) {
        this.engine = engine;
        this.config = config;
        this.units = units;
        this.scheduler = scheduler;
    }

    /** Connects (once) and subscribes to this runtime's container events. */
    Engine connected() throws EngineException {
        synchronized (lock) {
            if (watching) {
                return engine;
            }
            try {
                engine.ping();
                closeEvents();
                ResultCallback.Adapter<Event> callback = new EventsCallback();
                events = callback;
                engine.run("watching container events", () -> engine.slow().eventsCmd()
                        .withLabelFilter(Map.of(ContainerPlan.LABEL_STATE_DIR, config.stateDir().toString()))
                        .withEventTypeFilter("container").exec(callback));
                watching = true;
                return engine;
            } catch (EngineException e) {
                scheduleRetry();
                throw e;
            }
        }
    }

    private final class EventsCallback extends ResultCallback.Adapter<Event> {
        @Override
        public void onNext(Event event) {
            Map<String, String> attributes = event.getActor() == null ? null : event.getActor().getAttributes();
            String unit = attributes == null ? null : attributes.get(ContainerPlan.LABEL_UNIT);
            if (unit == null || event.getAction() == null) {
                return;
            }
            try {
                ContainerUnit u = units.get(new UnitName(unit));
                if (u != null) {
                    u.onEvent(event.getAction(), event.getId());
                }
            } catch (InvalidUnitNameException e) {
                LOG.debug("event for a container labelled with a bad unit name: {}", unit);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            lost(this, Engine.rootMessage(throwable));
        }

        @Override
        public void onComplete() {
            lost(this, "the engine ended the event stream");
        }
    }

    private void lost(ResultCallback.Adapter<Event> stream, String why) {
        synchronized (lock) {
            if (closed || stream != events) {
                return;
            }
            watching = false;
            events = null;
            LOG.warn("lost the Docker engine at {}: {}; checking again every {}", config.dockerHost(), why,
                    TimeSpan.of(config.engineRetry()));
            scheduleRetry();
        }
        units.values().forEach(u -> u.engineLost(why));
    }

    private void scheduleRetry() {
        synchronized (lock) {
            if (closed || retryScheduled) {
                return;
            }
            retryScheduled = true;
            try {
                scheduler.schedule(this::retry, config.engineRetry().toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                retryScheduled = false;
            }
        }
    }

    private void retry() {
        synchronized (lock) {
            retryScheduled = false;
        }
        if (closed) {
            return;
        }
        try {
            connected();
        } catch (EngineException e) {
            LOG.debug("the Docker engine still does not answer: {}", e.getMessage());
            return;
        }
        LOG.info("the Docker engine at {} answers again", config.dockerHost());
        sweepOrphans();
        units.values().forEach(ContainerUnit::engineBack);
    }

    private void closeEvents() {
        if (events != null) {
            try {
                events.close();
            } catch (IOException e) {
                // the stream's socket is gone either way
            }
            events = null;
        }
        watching = false;
    }

    /**
     * Removes the containers this runtime made that no unit owns any more: labelled with its state directory
     * (and machine, when configured) but not the container of a known unit. A unit with a job in flight is
     * left alone (it may be creating its container right now).
     */
    void sweepOrphans() {
        Map<String, String> filter = new HashMap<>(Map.of(ContainerPlan.LABEL_STATE_DIR, config.stateDir().toString()));
        config.machineId().ifPresent(m -> filter.put(ContainerPlan.LABEL_MACHINE, m));
        List<Container> ours;
        try {
            ours = engine.containers(filter);
        } catch (EngineException e) {
            LOG.debug("orphan sweep skipped: {}", e.getMessage());
            return;
        }
        Set<String> owned = new HashSet<>();
        units.values().forEach(u -> u.containerId().ifPresent(owned::add));
        for (Container c : ours) {
            if (owned.contains(c.getId())) {
                continue;
            }
            String unit = c.getLabels() == null ? null : c.getLabels().get(ContainerPlan.LABEL_UNIT);
            ContainerUnit u;
            try {
                u = unit == null ? null : units.get(new UnitName(unit));
            } catch (InvalidUnitNameException e) {
                u = null;
            }
            if (u != null && !u.isIdle()) {
                continue;
            }
            try {
                engine.remove(c.getId());
                LOG.info("removed orphan container {} {} of {}: no unit of this machine owns it", Containers.shortId(c.getId()),
                        c.getNames() == null ? "" : String.join(",", c.getNames()), unit);
            } catch (EngineException e) {
                LOG.warn("cannot remove orphan container {}: {}", c.getId(), e.getMessage());
            }
        }
    }

    /** Stops watching and retrying. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            closeEvents();
        }
    }
}
