package dev.flotilla.runtime.docker;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Event;

import dev.flotilla.runtime.JournalEntry;
import dev.flotilla.runtime.Runtime;
import dev.flotilla.runtime.StartRequest;
import dev.flotilla.runtime.Subscription;
import dev.flotilla.runtime.UnitOperationException;
import dev.flotilla.runtime.UnitStateListener;
import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.runtime.docker.Engine.EngineException;
import dev.flotilla.unit.InvalidUnitNameException;
import dev.flotilla.unit.UnitName;

/**
 * The Docker runtime: runs {@code .container} units (Podman Quadlet's {@code [Container]} keys) as containers
 * of the machine's Docker engine, through its API (see docs/docker-runtime.md). Each container carries labels
 * naming its unit, machine, content hash and this runtime's state directory; the state directory keeps each
 * unit's record and journal, so that a new runtime over it adopts running containers untouched and removes
 * the containers of units it no longer knows.
 *
 * <p>The engine is contacted only once there is a unit: opening the runtime, and an agent with it, never waits
 * for Docker. While the engine does not answer, starts fail with the reason, running units keep their last
 * known state, and the runtime tries again every {@link DockerRuntimeConfig#engineRetry()}: once it answers,
 * every unit is checked against its container and the units that waited for the engine start. Thread-safe.
 */
public final class DockerRuntime implements Runtime {

    /** The unit types this runtime handles. */
    public static final Set<String> UNIT_TYPES = Set.of("container");

    private static final Logger LOG = LoggerFactory.getLogger(DockerRuntime.class);

    private final DockerRuntimeConfig config;
    private final Engine engine;
    private final Map<UnitName, ContainerUnit> units = new ConcurrentHashMap<>();
    private final List<UnitStateListener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService scheduler;
    private final Object adoptLock = new Object();
    private final Object engineLock = new Object();
    private final Context context = new Context();
    private volatile boolean adopted;
    private volatile boolean closed;
    // Guarded by engineLock.
    private boolean watching;
    private boolean retryScheduled;
    private ResultCallback.Adapter<Event> events;

    private DockerRuntime(DockerRuntimeConfig config) {
        this.config = config;
        this.engine = new Engine(config.dockerHost());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("flotilla-docker-timer").factory());
    }

    /**
     * Opens a runtime over {@code config.stateDir()} (created when missing); the engine is not contacted yet.
     * Call {@link #adopt()} next.
     *
     * @throws UnitOperationException when the directory cannot be created
     */
    public static DockerRuntime open(DockerRuntimeConfig config) throws UnitOperationException {
        try {
            Files.createDirectories(config.stateDir());
        } catch (IOException e) {
            throw new UnitOperationException("cannot open the Docker runtime in " + config.stateDir() + ": " + e.getMessage(), e);
        }
        return new DockerRuntime(config);
    }

    /** The configuration this runtime was opened with. */
    public DockerRuntimeConfig config() {
        return config;
    }

    @Override
    public Set<String> unitTypes() {
        return UNIT_TYPES;
    }

    @Override
    public List<UnitStatus> adopt() throws UnitOperationException {
        ensureAdopted();
        return statuses();
    }

    private void ensureAdopted() throws UnitOperationException {
        checkOpen();
        if (adopted) {
            return;
        }
        synchronized (adoptLock) {
            if (adopted) {
                return;
            }
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(config.stateDir(), Files::isDirectory)) {
                for (Path dir : dirs) {
                    if (Files.exists(dir.resolve("state.properties"))) {
                        adoptOne(dir);
                    }
                }
            } catch (IOException e) {
                throw new UnitOperationException("cannot read the Docker runtime's state in " + config.stateDir() + ": "
                        + e.getMessage(), e);
            }
            adopted = true;
        }
        units.values().forEach(ContainerUnit::resume);
        if (!units.isEmpty()) {
            Thread.ofVirtual().name("flotilla-docker-sweep").start(() -> {
                try {
                    context.engine();
                    sweepOrphans();
                } catch (EngineException e) {
                    LOG.info("the Docker engine does not answer yet ({}); adopted units are checked once it does",
                            e.getMessage());
                }
            });
        }
    }

    private void adoptOne(Path dir) {
        UnitName name;
        try {
            name = new UnitName(dir.getFileName().toString());
        } catch (InvalidUnitNameException e) {
            LOG.warn("ignoring {}: not a unit's directory ({})", dir, e.getMessage());
            return;
        }
        try {
            ContainerRecord record = ContainerRecord.load(dir, name);
            units.put(name, new ContainerUnit(name, dir, record, context, config.journalMaxBytes()));
            LOG.info("adopted {}: {}", name, record.status.stateName());
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot adopt {} from {}: {}", name, dir, e.toString());
        }
    }

    @Override
    public CompletionStage<UnitStatus> start(StartRequest request) throws UnitOperationException {
        return unitFor(request).start(request);
    }

    @Override
    public CompletionStage<UnitStatus> stop(UnitName unit) throws UnitOperationException {
        ensureAdopted();
        ContainerUnit u = units.get(unit);
        if (u == null) {
            return CompletableFuture.completedFuture(UnitStatus.inactive(unit, config.clock().instant()));
        }
        return u.stop();
    }

    @Override
    public CompletionStage<UnitStatus> restart(StartRequest request) throws UnitOperationException {
        return unitFor(request).restart(request);
    }

    @Override
    public Optional<UnitStatus> status(UnitName unit) {
        return Optional.ofNullable(units.get(unit)).map(ContainerUnit::status);
    }

    @Override
    public List<UnitStatus> statuses() {
        return units.values().stream().map(ContainerUnit::status).sorted(Comparator.comparing(UnitStatus::unit)).toList();
    }

    @Override
    public void forget(UnitName unit) throws UnitOperationException {
        ensureAdopted();
        ContainerUnit u = units.get(unit);
        if (u == null) {
            return;
        }
        if (!u.status().isSettled()) {
            throw new UnitOperationException(unit + " is " + u.status().stateName() + "; stop it before forgetting it");
        }
        try {
            u.forget();
        } catch (IOException e) {
            throw new UnitOperationException("cannot forget " + unit + ": " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            throw new UnitOperationException(e.getMessage(), e);
        }
        units.remove(unit);
    }

    @Override
    public List<JournalEntry> journal(UnitName unit, int lines) throws UnitOperationException {
        ContainerUnit u = units.get(unit);
        try {
            if (u != null) {
                return u.journal.tail(lines);
            }
            Path dir = unitDir(unit);
            return Files.isDirectory(dir) ? new ContainerJournal(dir, config.journalMaxBytes()).tail(lines) : List.of();
        } catch (IOException e) {
            throw new UnitOperationException("cannot read the journal of " + unit + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Subscription followJournal(UnitName unit, int lines, Consumer<JournalEntry> consumer)
            throws UnitOperationException {
        ContainerUnit u = units.get(unit);
        if (u == null) {
            throw new UnitOperationException("unknown unit " + unit + ": it has not run on this machine");
        }
        try {
            return u.journal.follow(lines, consumer);
        } catch (IOException e) {
            throw new UnitOperationException("cannot read the journal of " + unit + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, String> details(UnitName unit) {
        ContainerUnit u = units.get(unit);
        return u == null ? Map.of() : u.details();
    }

    @Override
    public Optional<String> inspect(UnitName unit) throws UnitOperationException {
        ContainerUnit u = units.get(unit);
        if (u == null) {
            return Optional.empty();
        }
        try {
            return u.inspect();
        } catch (EngineException e) {
            throw new UnitOperationException("cannot inspect the container of " + unit + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Subscription subscribe(UnitStateListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        units.values().forEach(ContainerUnit::close);
        synchronized (engineLock) {
            closeEvents();
        }
        scheduler.shutdownNow();
        engine.close();
    }

    // ---- the engine link -------------------------------------------------------------------------

    /** Connects (once) and subscribes to this runtime's container events. */
    private Engine connected() throws EngineException {
        synchronized (engineLock) {
            if (watching) {
                return engine;
            }
            try {
                engine.ping();
                closeEvents();
                ResultCallback.Adapter<Event> callback = new EventsCallback();
                events = callback;
                engine.run("watching container events", () -> engine.slow.eventsCmd()
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
        synchronized (engineLock) {
            if (closed || stream != events) {
                return;
            }
            watching = false;
            events = null;
            LOG.warn("lost the Docker engine at {}: {}; checking again every {}", config.dockerHost(), why,
                    dev.flotilla.unit.TimeSpan.of(config.engineRetry()));
            scheduleRetry();
        }
        units.values().forEach(u -> u.engineLost(why));
    }

    private void scheduleRetry() {
        synchronized (engineLock) {
            if (closed || retryScheduled) {
                return;
            }
            retryScheduled = true;
            try {
                scheduler.schedule(this::retry, config.engineRetry().toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                retryScheduled = false;
            }
        }
    }

    private void retry() {
        synchronized (engineLock) {
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
    private void sweepOrphans() {
        Map<String, String> filter = new java.util.HashMap<>(Map.of(ContainerPlan.LABEL_STATE_DIR, config.stateDir().toString()));
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
                LOG.info("removed orphan container {} {} of {}: no unit of this machine owns it", ContainerUnit.shortId(c.getId()),
                        c.getNames() == null ? "" : String.join(",", c.getNames()), unit);
            } catch (EngineException e) {
                LOG.warn("cannot remove orphan container {}: {}", c.getId(), e.getMessage());
            }
        }
    }

    // ---- internals -----------------------------------------------------------------------------

    private ContainerUnit unitFor(StartRequest request) throws UnitOperationException {
        checkOpen();
        UnitName name = request.definition().name();
        if (!UNIT_TYPES.contains(name.type())) {
            throw new IllegalArgumentException("the Docker runtime runs " + UNIT_TYPES + " units, not " + name);
        }
        ensureAdopted();
        synchronized (adoptLock) {
            ContainerUnit existing = units.get(name);
            if (existing != null) {
                return existing;
            }
            Path dir = unitDir(name);
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UnitOperationException("cannot create the state directory of " + name + " in " + dir + ": "
                        + e.getMessage(), e);
            }
            ContainerUnit unit = new ContainerUnit(name, dir, new ContainerRecord(UnitStatus.inactive(name,
                    config.clock().instant())), context, config.journalMaxBytes());
            units.put(name, unit);
            return unit;
        }
    }

    /** The unit's directory; the name is validated so that it cannot point outside the state directory. */
    private Path unitDir(UnitName name) throws UnitOperationException {
        Path dir = config.stateDir().resolve(name.name()).normalize();
        if (name.name().contains("/") || !config.stateDir().equals(dir.getParent())) {
            throw new UnitOperationException("unit name " + name + " cannot be used as a directory name");
        }
        return dir;
    }

    private void checkOpen() throws UnitOperationException {
        if (closed) {
            throw new UnitOperationException("the Docker runtime over " + config.stateDir() + " is closed");
        }
    }

    private final class Context implements RuntimeContext {
        @Override
        public Engine engine() throws EngineException {
            return connected();
        }

        @Override
        public Engine engineUnchecked() {
            return engine;
        }

        @Override
        public InstantSource clock() {
            return config.clock();
        }

        @Override
        public void publish(UnitStatus status) {
            for (UnitStateListener l : listeners) {
                try {
                    l.onStateChange(status);
                } catch (RuntimeException e) {
                    LOG.warn("state listener failed for {}", status.unit(), e);
                }
            }
        }

        @Override
        public String stateDirLabel() {
            return config.stateDir().toString();
        }

        @Override
        public ScheduledExecutorService scheduler() {
            return scheduler;
        }

        @Override
        public Duration engineRetry() {
            return config.engineRetry();
        }

        @Override
        public long agentPid() {
            return ProcessHandle.current().pid();
        }
    }
}
