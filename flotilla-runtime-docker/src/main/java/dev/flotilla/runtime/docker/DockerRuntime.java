package dev.flotilla.runtime.docker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.runtime.StartRequest;
import dev.flotilla.runtime.UnitOperationException;
import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.runtime.docker.Engine.EngineException;
import dev.flotilla.runtime.support.StateDirectoryRuntime;
import dev.flotilla.runtime.support.UnitJournal;
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
public final class DockerRuntime extends StateDirectoryRuntime<ContainerUnit> {

    /** The unit types this runtime handles. */
    public static final Set<String> UNIT_TYPES = Set.of("container");

    private static final Logger LOG = LoggerFactory.getLogger(DockerRuntime.class);

    private final DockerRuntimeConfig config;
    private final Engine engine;
    private final ScheduledExecutorService scheduler;
    private final Context context = new Context();
    private final EngineWatch watch;

    private DockerRuntime(DockerRuntimeConfig config) {
        super(config.stateDir(), UNIT_TYPES, "Docker runtime", config.journalMaxBytes());
        this.config = config;
        this.engine = new Engine(config.dockerHost());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("flotilla-docker-timer").factory());
        this.watch = new EngineWatch(engine, config, units, scheduler);
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
    protected void afterAdoption() {
        units.values().forEach(ContainerUnit::resume);
        if (!units.isEmpty()) {
            Thread.ofVirtual().name("flotilla-docker-sweep").start(() -> {
                try {
                    context.engine();
                    watch.sweepOrphans();
                } catch (EngineException e) {
                    LOG.info("the Docker engine does not answer yet ({}); adopted units are checked once it does",
                            e.getMessage());
                }
            });
        }
    }

    @Override
    protected void adoptUnit(UnitName name, Path dir) throws IOException {
        ContainerRecord record = ContainerRecord.load(dir, name);
        units.put(name, new ContainerUnit(name, dir, record, context, config.journalMaxBytes()));
        LOG.info("adopted {}: {}", name, record.status.stateName());
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
    public void close() {
        if (!markClosed()) {
            return;
        }
        units.values().forEach(ContainerUnit::close);
        watch.close();
        scheduler.shutdownNow();
        engine.close();
    }

    // ---- internals -----------------------------------------------------------------------------

    @Override
    protected ContainerUnit createUnit(UnitName name, Path dir) throws IOException {
        Files.createDirectories(dir);
        return new ContainerUnit(name, dir, new ContainerRecord(UnitStatus.inactive(name, config.clock().instant())),
                context, config.journalMaxBytes());
    }

    @Override
    protected UnitStatus statusOf(ContainerUnit unit) {
        return unit.status();
    }

    @Override
    protected UnitJournal journalOf(ContainerUnit unit) {
        return unit.journal;
    }

    @Override
    protected void deleteState(ContainerUnit unit) throws IOException, UnitOperationException {
        try {
            unit.forget();
        } catch (IllegalStateException e) {
            throw new UnitOperationException(e.getMessage(), e);
        }
    }

    private final class Context implements RuntimeContext {
        @Override
        public Engine engine() throws EngineException {
            return watch.connected();
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
            DockerRuntime.this.publish(status);
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
