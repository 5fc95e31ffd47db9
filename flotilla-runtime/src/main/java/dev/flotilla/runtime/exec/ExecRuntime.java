package dev.flotilla.runtime.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.runtime.StartRequest;
import dev.flotilla.runtime.UnitOperationException;
import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.runtime.support.StateDirectoryRuntime;
import dev.flotilla.runtime.support.UnitJournal;
import dev.flotilla.unit.ContentHash;
import dev.flotilla.unit.UnitName;

/**
 * The exec runtime: runs {@code .service} units as processes with systemd's {@code [Service]}
 * semantics (see docs/exec-runtime.md for the supported settings). Each command runs under a small
 * shim in its own session, writes its output to a file the runtime turns into the unit's journal,
 * and has its exit recorded in a file by the shim, so units outlive the agent and a new
 * {@code ExecRuntime} over the same state directory adopts them untouched. Thread-safe; each unit
 * has its own virtual thread while it is active.
 */
public final class ExecRuntime extends StateDirectoryRuntime<ServiceUnit> {

    /** The unit types this runtime handles. */
    public static final Set<String> UNIT_TYPES = Set.of("service");

    private static final Logger LOG = LoggerFactory.getLogger(ExecRuntime.class);
    private static final long TICK_MS = 2000;

    private final ExecRuntimeConfig config;
    private final RuntimeServices services;
    private final ExecWatchdog watchdog;
    private final DirectoryWatcher watcher;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Thread ticker;

    private ExecRuntime(ExecRuntimeConfig config, ProcessLauncher launcher, ExecWatchdog watchdog, String bootId)
            throws IOException {
        super(config.stateDir(), UNIT_TYPES, "exec runtime", config.journalMaxBytes());
        this.config = config;
        this.watchdog = watchdog;
        this.watcher = new DirectoryWatcher("flotilla-exec-watch");
        Cgroups cgroups = Cgroups.detect(ContentHash.of(config.stateDir().toString()).shortHex(), config.cgroups());
        this.services = new RuntimeServices(config.clock(), launcher, cgroups, config.requireLimits(),
                config.journalMaxBytes(), this::publish, executor, bootId, new BlockingCalls("flotilla-exec-io"));
        this.ticker = Thread.ofVirtual().name("flotilla-exec-tick").start(this::tick);
    }

    /**
     * Opens a runtime over {@code config.stateDir()} (created when missing). Call {@link #adopt()}
     * next to take over what a previous instance left running.
     *
     * @throws UnitOperationException when the directory cannot be created or perl (for the shim) is missing
     */
    public static ExecRuntime open(ExecRuntimeConfig config) throws UnitOperationException {
        try {
            Files.createDirectories(config.stateDir());
            ProcessLauncher launcher = ProcessLauncher.install(config.stateDir());
            ExecWatchdog watchdog = ExecWatchdog.install(config.stateDir());
            String bootId = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
            return new ExecRuntime(config, launcher, watchdog, bootId);
        } catch (IOException e) {
            throw new UnitOperationException("cannot open the exec runtime in " + config.stateDir() + ": " + e.getMessage(), e);
        }
    }

    /** The configuration this runtime was opened with. */
    public ExecRuntimeConfig config() {
        return config;
    }

    @Override
    protected void adoptUnit(UnitName name, Path dir) throws IOException {
        ServiceUnit unit = new ServiceUnit(name, dir, UnitRecord.load(dir, name), services);
        register(unit);
        units.put(name, unit);
        unit.stopIfFenced();
        unit.onFilesChanged();
        unit.resume();
        LOG.info("adopted {}: {}", name, unit.status().stateName());
    }

    @Override
    public CompletionStage<UnitStatus> start(StartRequest request) throws UnitOperationException {
        ServiceUnit unit = unitFor(request);
        try {
            return unit.start(request);
        } catch (IOException e) {
            throw new UnitOperationException("cannot start " + unit.name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public CompletionStage<UnitStatus> stop(UnitName unit) throws UnitOperationException {
        ensureAdopted();
        ServiceUnit u = units.get(unit);
        if (u == null) {
            return CompletableFuture.completedFuture(UnitStatus.inactive(unit, config.clock().instant()));
        }
        try {
            return u.stop();
        } catch (IOException e) {
            throw new UnitOperationException("cannot stop " + unit + ": " + e.getMessage(), e);
        }
    }

    @Override
    public CompletionStage<UnitStatus> restart(StartRequest request) throws UnitOperationException {
        ServiceUnit unit = unitFor(request);
        try {
            return unit.restart(request);
        } catch (IOException e) {
            throw new UnitOperationException("cannot restart " + unit.name + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>The exec runtime's watchdog is {@code flotilla-watchdog.pl} (see {@link ExecWatchdog}).
     */
    @Override
    public void armWatchdog(Path heartbeat) throws UnitOperationException {
        checkOpen();
        try {
            watchdog.arm(heartbeat);
        } catch (IOException e) {
            throw new UnitOperationException("cannot start the fencing watchdog of " + config.stateDir() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The PID of this runtime's fencing watchdog, once armed and while it runs. */
    public Optional<Long> watchdogPid() {
        return watchdog.pid();
    }

    @Override
    public void close() {
        if (!markClosed()) {
            return;
        }
        ticker.interrupt();
        units.values().forEach(ServiceUnit::close);
        watcher.close();
        services.cgroups().close();
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("exec runtime threads still busy after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        services.blocking().close();
    }

    // ---- internals -----------------------------------------------------------------------------

    @Override
    protected ServiceUnit createUnit(UnitName name, Path dir) throws IOException {
        Files.createDirectories(dir.resolve("run"));
        ServiceUnit unit = new ServiceUnit(name, dir, new UnitRecord(UnitStatus.inactive(name,
                config.clock().instant())), services);
        register(unit);
        return unit;
    }

    @Override
    protected UnitStatus statusOf(ServiceUnit unit) {
        return unit.status();
    }

    @Override
    protected UnitJournal journalOf(ServiceUnit unit) throws IOException {
        unit.output.tailer.drain();
        return unit.output.journal;
    }

    @Override
    protected boolean isForgettable(ServiceUnit unit) {
        return unit.isIdle() && unit.status().isSettled();
    }

    @Override
    protected void deleteState(ServiceUnit unit) throws IOException {
        unit.deleteState();
    }

    private void register(ServiceUnit unit) throws IOException {
        Files.createDirectories(unit.runDir);
        watcher.register(unit.runDir, unit::onFilesChanged);
    }

    private void tick() {
        while (!isClosed()) {
            try {
                Thread.sleep(TICK_MS);
            } catch (InterruptedException e) {
                return;
            }
            units.values().forEach(ServiceUnit::onFilesChanged);
        }
    }
}
