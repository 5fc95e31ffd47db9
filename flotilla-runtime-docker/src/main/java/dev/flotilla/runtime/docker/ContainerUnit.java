package dev.flotilla.runtime.docker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ContainerNetwork;

import dev.flotilla.runtime.ActiveState;
import dev.flotilla.runtime.JournalEntry;
import dev.flotilla.runtime.LoadState;
import dev.flotilla.runtime.ProcessExit;
import dev.flotilla.runtime.StartRequest;
import dev.flotilla.runtime.SubState;
import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.runtime.docker.Engine.EngineException;
import dev.flotilla.runtime.docker.ServiceSettings.Outcome;
import dev.flotilla.unit.PullPolicy;
import dev.flotilla.unit.TimeSpan;
import dev.flotilla.unit.UnitName;

/**
 * One container unit: its lifecycle (start, run, stop, automatic restarts), its record and journal. Every
 * change of state happens on the unit's own virtual thread, one job at a time (a start, a stop, the container's
 * death reported by the engine, a health verdict, the engine coming back), so no two jobs race; callers only
 * queue jobs and read the volatile status.
 *
 * <pre>
 * start ─► activating/start ──(pull, create, start, startup check)──► active/running
 *              │ bad setting, image missing, engine refuses ─► failed/failed (reason)
 *              │ engine unreachable ─► failed/failed, started again when the engine answers
 * the container exits ─► inactive/dead (status 0) or failed/failed ─► activating/auto-restart (Restart=)
 * stop ─► deactivating/stop-sigterm ─(docker stop: SIGTERM, SIGKILL after the stop timeout)─► inactive/dead
 * </pre>
 */
final class ContainerUnit {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerUnit.class);
    private static final Duration LOG_DRAIN = Duration.ofSeconds(3);
    private static final Duration POLL = Duration.ofMillis(100);

    final UnitName name;
    final Path dir;
    final ContainerJournal journal;
    private final RuntimeContext ctx;
    private final ExecutorService worker;
    private final AtomicInteger pendingJobs = new AtomicInteger();

    // Written on the worker only; read anywhere.
    private final ContainerRecord record;
    private volatile UnitStatus status;
    private volatile ContainerPlan plan;
    private volatile String health = "";
    private volatile boolean stopRequested;
    private volatile boolean closed;
    private boolean waitingForEngine;
    /** Why the runtime itself killed the current container, for the reason of its death. */
    private Optional<String> killedBecause = Optional.empty();
    private Instant runStartedAt = Instant.EPOCH;
    private final Deque<Instant> starts = new ArrayDeque<>();
    private final List<CompletableFuture<UnitStatus>> startWaiters = new ArrayList<>();
    private ScheduledFuture<?> restartTimer;
    private LogFollower logs;

    ContainerUnit(UnitName name, Path dir, ContainerRecord record, RuntimeContext ctx, long journalMaxBytes) {
        this.name = name;
        this.dir = dir;
        this.record = record;
        this.status = record.status;
        this.ctx = ctx;
        this.journal = new ContainerJournal(dir, journalMaxBytes);
        this.worker = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("flotilla-docker-" + name.name()).factory());
    }

    UnitStatus status() {
        return status;
    }

    /** No job is running or queued and no restart is pending. */
    boolean isIdle() {
        return pendingJobs.get() == 0 && status.sub() != SubState.AUTO_RESTART;
    }

    Optional<String> containerId() {
        return record.containerId;
    }

    Optional<String> containerName() {
        return record.containerName;
    }

    // ---- requests (any thread) ------------------------------------------------------------------

    CompletionStage<UnitStatus> start(StartRequest request) {
        CompletableFuture<UnitStatus> done = new CompletableFuture<>();
        stopRequested = false;
        submit(() -> startJob(request, done));
        return done;
    }

    CompletionStage<UnitStatus> stop() {
        stopRequested = true;
        CompletableFuture<UnitStatus> done = new CompletableFuture<>();
        submit(() -> {
            stopNow();
            done.complete(status);
        });
        return done;
    }

    CompletionStage<UnitStatus> restart(StartRequest request) {
        stopRequested = true;
        CompletableFuture<UnitStatus> done = new CompletableFuture<>();
        submit(() -> {
            stopNow();
            stopRequested = false;
            startJob(request, done);
        });
        return done;
    }

    /** Takes the unit back after an agent restart: checks its container against the record. */
    void resume() {
        submit(this::reconcile);
    }

    /** The engine answers again after an outage: check the container, start what waited for the engine. */
    void engineBack() {
        submit(() -> {
            reconcile();
            if (waitingForEngine && record.wanted && record.request.isPresent()) {
                waitingForEngine = false;
                starts.clear();
                run(record.request.get());
            }
        });
    }

    /** The engine stopped answering: say so in the reason of a unit that runs (its container may be gone too). */
    void engineLost(String why) {
        submit(() -> {
            if (status.active() == ActiveState.ACTIVE) {
                setStatus(status.withState(status.active(), status.sub(), status.since(),
                        Optional.of("lost the Docker engine (" + why + "); state as last seen, checking again every "
                                + TimeSpan.of(ctx.engineRetry()))));
            }
        });
    }

    /** A container event the runtime's engine watch saw for this unit's containers. */
    void onEvent(String action, String containerId) {
        submit(() -> {
            if (!record.containerId.filter(containerId::equals).isPresent()) {
                return;
            }
            if (action.equals("die")) {
                if (status.active() == ActiveState.ACTIVE) {
                    died();
                }
            } else if (action.startsWith("health_status")) {
                health = action.substring(action.indexOf(':') + 1).strip();
                if (health.equals("unhealthy") && status.active() == ActiveState.ACTIVE) {
                    unhealthy();
                }
            }
        });
    }

    // ---- jobs (the worker) ----------------------------------------------------------------------

    private void startJob(StartRequest request, CompletableFuture<UnitStatus> done) {
        boolean pendingRestart = status.sub() == SubState.AUTO_RESTART;
        if (!pendingRestart && (status.active() == ActiveState.ACTIVE || status.active() == ActiveState.ACTIVATING)) {
            done.complete(status);
            return;
        }
        cancelRestart();
        record.wanted = true;
        record.consecutiveRestarts = 0;
        starts.clear();
        set(status.withRestarts(0));
        startWaiters.add(done);
        run(request);
    }

    /** One run: from activating/start to active/running, or to failed with the reason. */
    private void run(StartRequest request) {
        record.request = Optional.of(request);
        waitingForEngine = false;
        Instant now = now();
        ServiceSettings service;
        try {
            plan = ContainerPlan.of(request, ctx.stateDirLabel());
            service = plan.service;
        } catch (BadSettingException e) {
            set(status.withDefinition(LoadState.BAD_SETTING, Optional.of(request.definition().hash()), List.of()));
            fail(Outcome.RESOURCES, e.getMessage(), Optional.empty());
            return;
        }
        if (startLimitHit(service, now)) {
            return;
        }
        starts.addLast(now);
        set(status.withDefinition(LoadState.LOADED, Optional.of(request.definition().hash()), List.of())
                .withMainPid(OptionalLong.empty()));
        enter(ActiveState.ACTIVATING, SubState.START, Optional.empty());
        note("Starting " + name + " (container " + plan.name + ", image " + plan.spec.image() + ")...");
        plan.notes.forEach(this::note);
        Optional<Instant> deadline = service.startTimeout().map(now::plus);
        try {
            Engine engine = ctx.engine();
            removeContainer(engine);
            ensureImage(engine, deadline);
            ensureNetworksAndVolumes(engine);
            checkStop();
            CreateContainerResponse created = engine.call("creating container " + plan.name, () -> plan.apply(
                    engine.quick.createContainerCmd(plan.spec.image()), request.machine().publicIp()).exec());
            record.containerId = Optional.of(created.getId());
            record.containerName = Optional.of(plan.name);
            health = "";
            killedBecause = Optional.empty();
            save();
            for (String warning : created.getWarnings() == null ? new String[0] : created.getWarnings()) {
                note("engine warning: " + warning);
            }
            for (String network : plan.userNetworks().stream().skip(1).toList()) {
                engine.run("connecting container " + plan.name + " to network " + network, () -> engine.quick
                        .connectToNetworkCmd().withNetworkId(network).withContainerId(created.getId())
                        .withContainerNetwork(new ContainerNetwork().withAliases(plan.spec.networkAliases())).exec());
            }
            checkStop();
            engine.run("starting container " + plan.name, () -> engine.quick.startContainerCmd(created.getId()).exec());
            InspectContainerResponse inspected = engine.inspect(created.getId()).orElseThrow(() -> new EngineException(
                    "container " + plan.name + " vanished right after it started", false, null));
            long pid = pidOf(inspected);
            closeLogs();
            logs = LogFollower.start(engine, created.getId(), plan.name, pid, journal, ContainerJournal.LogCursor.START);
            set(status.withMainPid(pid > 0 ? OptionalLong.of(pid) : OptionalLong.empty())
                    .withDefinition(LoadState.LOADED, status.hash(), Limits.report(plan, inspected, created.getWarnings())));
            if (!Boolean.TRUE.equals(inspected.getState().getRunning())) {
                runStartedAt = now();
                died();
                return;
            }
            if (plan.spec.health().startupCommand().isPresent() && !startupCheck(engine, created.getId(), deadline)) {
                return;
            }
            runStartedAt = now();
            enter(ActiveState.ACTIVE, SubState.RUNNING, Optional.empty());
            note("Started " + name + ": container " + shortId(created.getId()) + (pid > 0 ? ", main PID " + pid : ""));
            completeStart();
        } catch (StopRequested e) {
            // the queued stop job ends what was started
            completeStart();
        } catch (EngineException e) {
            if (e.unreachable()) {
                waitingForEngine = true;
                fail(Outcome.RESOURCES, e.getMessage() + "; it starts once the engine answers (checked every "
                        + TimeSpan.of(ctx.engineRetry()) + ")", Optional.empty());
            } else {
                fail(Outcome.RESOURCES, e.getMessage(), Optional.empty());
            }
        } catch (StartTimeout e) {
            killQuietly();
            fail(Outcome.TIMEOUT, e.getMessage(), Optional.empty());
        } catch (RuntimeException e) {
            LOG.warn("starting {} failed", name, e);
            fail(Outcome.RESOURCES, "starting the container failed: " + e, Optional.empty());
        }
    }

    private void ensureImage(Engine engine, Optional<Instant> deadline) throws EngineException {
        String image = plan.spec.image();
        PullPolicy pull = plan.spec.pull();
        boolean present = engine.image(image).isPresent();
        if (pull == PullPolicy.NEVER) {
            if (!present) {
                throw new EngineException("image " + image + " is not on this machine, and Pull=never forbids pulling "
                        + "it: load it into the engine (docker load, docker import), or set Pull=missing", false, null);
            }
            return;
        }
        if (present && pull == PullPolicy.MISSING) {
            return;
        }
        note("Pulling image " + image + " (Pull=" + pull + ")...");
        Duration timeout = deadline.map(d -> Duration.between(now(), d)).filter(d -> !d.isNegative())
                .orElse(Duration.ofHours(1));
        try {
            engine.pull(image, timeout);
            note("Pulled image " + image + ".");
        } catch (EngineException e) {
            if (e.unreachable()) {
                throw e;
            }
            if (present && pull == PullPolicy.NEWER) {
                note("cannot check for a newer " + image + " (" + e.getMessage() + "); running the one on this machine");
                return;
            }
            throw new EngineException(present ? "image " + image + ": Pull=" + pull + " but pulling failed: "
                    + e.getMessage() : "image " + image + " is not on this machine and pulling it failed: "
                    + e.getMessage(), false, e);
        }
    }

    private void ensureNetworksAndVolumes(Engine engine) throws EngineException {
        for (String network : plan.userNetworks()) {
            boolean exists = !engine.call("looking up network " + network, () -> engine.quick.listNetworksCmd()
                    .withNameFilter(network).exec()).stream().filter(n -> n.getName().equals(network)).toList().isEmpty();
            if (!exists) {
                try {
                    engine.run("creating network " + network, () -> engine.quick.createNetworkCmd().withName(network)
                            .withDriver("bridge").withCheckDuplicate(true).withLabels(plan.resourceLabels()).exec());
                    note("Created network " + network + ".");
                } catch (EngineException e) {
                    if (e.unreachable() || engine.call("looking up network " + network, () -> engine.quick
                            .listNetworksCmd().withNameFilter(network).exec()).isEmpty()) {
                        throw e; // not merely created by another unit at the same moment
                    }
                }
            }
        }
        for (String volume : plan.namedVolumes()) {
            boolean exists = engine.call("looking up volume " + volume, () -> engine.quick.listVolumesCmd()
                    .withFilter("name", List.of(volume)).exec()).getVolumes() instanceof List<?> l
                    && l.stream().anyMatch(v -> v instanceof com.github.dockerjava.api.command.InspectVolumeResponse r
                            && r.getName().equals(volume));
            if (!exists) {
                engine.run("creating volume " + volume, () -> engine.quick.createVolumeCmd().withName(volume)
                        .withLabels(plan.resourceLabels()).exec());
                note("Created volume " + volume + ".");
            }
        }
    }

    /**
     * {@code HealthStartupCmd=}: runs the check in the container every {@code HealthStartupInterval=} until it
     * succeeded {@code HealthStartupSuccess=} times in a row (the unit stays activating/start until then);
     * {@code HealthStartupRetries=} failures in a row, or the start timeout, fail the start.
     *
     * @return whether the unit started; false when it failed (already reported) or died
     */
    private boolean startupCheck(Engine engine, String id, Optional<Instant> deadline)
            throws EngineException, StopRequested, StartTimeout {
        dev.flotilla.unit.HealthCheck h = plan.spec.health();
        String command = h.startupCommand().orElseThrow();
        Duration interval = h.startupInterval().map(TimeSpan::toDuration).orElse(Duration.ofSeconds(1));
        Duration timeout = h.startupTimeout().map(TimeSpan::toDuration).orElse(Duration.ofSeconds(30));
        int needed = Math.max(1, h.startupSuccess().orElse(1));
        int retries = h.startupRetries().orElse(0);
        int successes = 0;
        int failures = 0;
        note("Waiting for the startup check: " + command);
        while (true) {
            checkStop();
            if (deadline.isPresent() && now().isAfter(deadline.get())) {
                throw new StartTimeout("the startup check did not pass within TimeoutStartSec=" + TimeSpan.of(
                        plan.service.startTimeout().orElseThrow()) + " (HealthStartupCmd=" + command + ")");
            }
            Optional<InspectContainerResponse> now = engine.inspect(id);
            if (now.isEmpty() || !Boolean.TRUE.equals(now.get().getState().getRunning())) {
                died();
                return false;
            }
            int exit = Exec.run(engine, id, command, timeout);
            if (exit == 0) {
                failures = 0;
                if (++successes >= needed) {
                    note("Startup check passed.");
                    return true;
                }
            } else {
                successes = 0;
                if (retries > 0 && ++failures >= retries) {
                    killQuietly();
                    fail(Outcome.EXIT_CODE, "the startup check failed " + failures + " times in a row "
                            + "(HealthStartupRetries=" + retries + "): " + command + (exit < 0 ? " timed out" : " exited with status " + exit),
                            Optional.empty());
                    return false;
                }
            }
            sleep(interval);
        }
    }

    /** The container stopped by itself: record how, then Restart= decides. */
    private void died() {
        String id = record.containerId.orElseThrow();
        Optional<InspectContainerResponse> gone;
        try {
            gone = ctx.engine().inspect(id);
        } catch (EngineException e) {
            gone = Optional.empty();
        }
        if (logs != null) {
            logs.awaitEnd(LOG_DRAIN);
        }
        Optional<ProcessExit> exit = gone.map(ContainerUnit::exitOf);
        boolean oom = gone.map(g -> Boolean.TRUE.equals(g.getState().getOOMKilled())).orElse(false);
        String who = "container " + record.containerName.orElse(shortId(id));
        String reason;
        Outcome outcome;
        if (exit.isEmpty()) {
            reason = who + " (" + shortId(id) + ") is gone: it was removed outside Flotilla";
            outcome = Outcome.SIGNAL;
        } else if (oom) {
            reason = who + " was killed by signal KILL (out of memory: Memory="
                    + (plan == null ? "?" : plan.memoryText.orElse("?")) + ")";
            outcome = Outcome.SIGNAL;
        } else {
            switch (exit.get()) {
                case ProcessExit.Exited x -> {
                    reason = who + " exited with status " + x.status();
                    outcome = x.status() == 0 ? Outcome.SUCCESS : Outcome.EXIT_CODE;
                }
                case ProcessExit.Killed k -> {
                    reason = who + " was killed by signal " + k.name();
                    outcome = k.clean() ? Outcome.SUCCESS : Outcome.SIGNAL;
                }
                case ProcessExit.Unknown u -> {
                    reason = who + " ended";
                    outcome = Outcome.SIGNAL;
                }
            }
        }
        String error = gone.map(g -> g.getState().getError()).filter(e -> e != null && !e.isBlank()).orElse("");
        if (!error.isEmpty()) {
            reason += ": " + error;
        }
        if (killedBecause.isPresent()) {
            reason += ": " + killedBecause.get();
            killedBecause = Optional.empty();
        }
        set(status.withMainPid(OptionalLong.empty()));
        exit.ifPresent(e -> set(record.status.withLastExit(e)));
        if (plan != null && Duration.between(runStartedAt, now()).compareTo(plan.service.startLimitInterval()) >= 0) {
            record.consecutiveRestarts = 0;
        }
        if (outcome == Outcome.SUCCESS && (plan == null || !plan.service.restarts(outcome))) {
            enter(ActiveState.INACTIVE, SubState.DEAD, Optional.empty());
            note(reason + "; " + name + " finished.");
            record.wanted = false;
            completeStart();
            return;
        }
        fail(outcome, reason, exit);
    }

    /** {@code HealthOnFailure=}: what an unhealthy verdict does (none by default: the state says it). */
    private void unhealthy() {
        if (plan == null) {
            return;
        }
        String action = plan.spec.health().onFailure().map(Object::toString).orElse("none");
        note("container " + plan.name + " is unhealthy (HealthOnFailure=" + action + ")");
        switch (action) {
            case "kill" -> {
                killedBecause = Optional.of("it was unhealthy (HealthOnFailure=kill)");
                killQuietly();
            }
            case "stop" -> {
                stopNow();
                record.wanted = false;
                setStatus(status.withState(ActiveState.FAILED, SubState.FAILED, now(),
                        Optional.of("container " + plan.name + " was unhealthy and stopped (HealthOnFailure=stop)")));
            }
            case "restart" -> {
                StartRequest request = record.request.orElseThrow();
                stopNow();
                record.wanted = true;
                setStatus(status.withRestarts(status.restarts() + 1));
                note("Restarting " + name + ": the container was unhealthy (HealthOnFailure=restart).");
                run(request);
            }
            default -> { }
        }
    }

    /**
     * Stops whatever runs (an explicit stop never restarts): a pending automatic restart is cancelled, a
     * running container gets SIGTERM and, after the stop timeout, SIGKILL; the container is removed.
     */
    private void stopNow() {
        record.wanted = false;
        waitingForEngine = false;
        cancelRestart();
        if (status.sub() == SubState.AUTO_RESTART) {
            enter(ActiveState.INACTIVE, SubState.DEAD, Optional.empty());
        }
        if (record.containerId.isEmpty()) {
            if (!status.isSettled()) {
                enter(ActiveState.INACTIVE, SubState.DEAD, Optional.empty());
            }
            completeStart();
            return;
        }
        String id = record.containerId.get();
        boolean running = status.active() == ActiveState.ACTIVE || status.active() == ActiveState.ACTIVATING
                || status.active() == ActiveState.DEACTIVATING;
        try {
            Engine engine = ctx.engine();
            boolean killed = false;
            if (running) {
                enter(ActiveState.DEACTIVATING, SubState.STOP_SIGTERM, Optional.empty());
                Duration timeout = plan != null ? plan.stopTimeout : ContainerPlan.DEFAULT_STOP_TIMEOUT;
                note("Stopping " + name + " (SIGTERM, SIGKILL after " + TimeSpan.of(timeout) + ")...");
                Instant t0 = now();
                engine.stop(id, timeout);
                Optional<InspectContainerResponse> after = engine.inspect(id);
                killed = after.map(a -> a.getState().getExitCodeLong() != null && a.getState().getExitCodeLong() == 137
                        && !Boolean.TRUE.equals(a.getState().getOOMKilled())).orElse(false)
                        && Duration.between(t0, now()).compareTo(timeout.minusMillis(500)) >= 0;
                after.map(ContainerUnit::exitOf).ifPresent(e -> set(status.withLastExit(e)));
                if (logs != null) {
                    logs.awaitEnd(LOG_DRAIN);
                }
            }
            closeLogs();
            engine.remove(id);
            record.containerId = Optional.empty();
            set(status.withMainPid(OptionalLong.empty()));
            if (killed) {
                Duration timeout = plan != null ? plan.stopTimeout : ContainerPlan.DEFAULT_STOP_TIMEOUT;
                enter(ActiveState.FAILED, SubState.FAILED, Optional.of("stop timed out after " + TimeSpan.of(timeout)
                        + " (StopTimeout=): the container ignored SIGTERM and was killed with SIGKILL"));
            } else if (running) {
                enter(ActiveState.INACTIVE, SubState.DEAD, Optional.empty());
                note("Stopped " + name + ".");
            } else {
                save();
            }
        } catch (EngineException e) {
            enter(ActiveState.FAILED, SubState.FAILED, Optional.of("cannot stop container " + record.containerName
                    .orElse(id) + ": " + e.getMessage() + (e.unreachable() ? "; it is removed once the engine answers" : "")));
        }
        completeStart();
    }

    /** Compares the record with the engine's container (after adoption, or when the engine is back). */
    private void reconcile() {
        if (plan == null && record.request.isPresent()) {
            try {
                plan = ContainerPlan.of(record.request.get(), ctx.stateDirLabel());
            } catch (BadSettingException e) {
                LOG.warn("{}: the recorded definition no longer reads: {}", name, e.getMessage());
            }
        }
        if (record.containerId.isEmpty()) {
            if (status.sub() == SubState.AUTO_RESTART && plan != null) {
                scheduleRestart(record.request.get(), status.reason().orElse("the container ended"), false);
            } else if (status.active() == ActiveState.ACTIVATING && record.wanted && record.request.isPresent()) {
                run(record.request.get()); // the last agent died while starting it
            }
            return;
        }
        String id = record.containerId.get();
        Optional<InspectContainerResponse> c;
        try {
            c = ctx.engine().inspect(id);
        } catch (EngineException e) {
            if (status.active() == ActiveState.ACTIVE) {
                setStatus(status.withState(status.active(), status.sub(), status.since(), Optional.of(
                        "cannot check container " + record.containerName.orElse(id) + ": " + e.getMessage())));
            }
            return;
        }
        boolean running = c.map(i -> Boolean.TRUE.equals(i.getState().getRunning())).orElse(false);
        if (!record.wanted || status.active() == ActiveState.DEACTIVATING) {
            stopNow(); // the last agent died while stopping it, or it was stopped while the engine was away
            return;
        }
        if (running && plan != null) {
            long pid = pidOf(c.get());
            if (logs == null || logs.hasEnded()) {
                closeLogs();
                try {
                    logs = LogFollower.start(ctx.engine(), id, plan.name, pid, journal, journal.cursor(plan.name));
                } catch (EngineException | IOException e) {
                    note("cannot follow the container's log: " + e.getMessage());
                }
            }
            health = Optional.ofNullable(c.get().getState().getHealth()).map(h -> h.getStatus()).orElse("");
            set(status.withMainPid(OptionalLong.of(pid)));
            if (status.active() != ActiveState.ACTIVE) {
                runStartedAt = now();
                enter(ActiveState.ACTIVE, SubState.RUNNING, Optional.empty());
                completeStart();
            } else if (status.reason().isPresent()) {
                setStatus(status.withState(ActiveState.ACTIVE, SubState.RUNNING, status.since(), Optional.empty()));
            } else {
                save();
            }
        } else if (status.active() == ActiveState.ACTIVE || status.active() == ActiveState.ACTIVATING) {
            if (plan != null) {
                if ((logs == null || logs.hasEnded()) && c.isPresent()) {
                    closeLogs();
                    try {
                        logs = LogFollower.start(ctx.engine(), id, plan.name, status.mainPid().orElse(0), journal,
                                journal.cursor(plan.name));
                    } catch (EngineException | IOException e) {
                        note("cannot read the container's last log lines: " + e.getMessage());
                    }
                }
                died();
            }
        }
    }

    // ---- restarts ----------------------------------------------------------------------------

    private void fail(Outcome outcome, String reason, Optional<ProcessExit> exit) {
        enter(ActiveState.FAILED, SubState.FAILED, Optional.of(reason));
        note(reason);
        if (record.wanted && !waitingForEngine && plan != null && plan.service.restarts(outcome)) {
            scheduleRestart(record.request.orElseThrow(), reason, true);
        } else {
            completeStart();
        }
    }

    private void scheduleRestart(StartRequest request, String after, boolean fresh) {
        int n = fresh ? ++record.consecutiveRestarts : Math.max(1, record.consecutiveRestarts);
        Duration delay = plan.service.delayBefore(n);
        if (fresh) {
            enter(ActiveState.ACTIVATING, SubState.AUTO_RESTART, Optional.of("restarting in " + TimeSpan.of(delay)
                    + " (Restart=" + plan.service.restart().unitValue() + ") after: " + after));
            note("Scheduled restart in " + TimeSpan.of(delay) + ", restart counter is at " + (status.restarts() + 1) + ".");
        }
        completeStart();
        restartTimer = ctx.scheduler().schedule(() -> submit(() -> {
            if (status.sub() == SubState.AUTO_RESTART && record.wanted) {
                setStatus(status.withRestarts(status.restarts() + 1));
                run(request);
            }
        }), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private boolean startLimitHit(ServiceSettings service, Instant now) {
        if (service.startLimitBurst() <= 0) {
            return false;
        }
        Instant cutoff = now.minus(service.startLimitInterval());
        while (!starts.isEmpty() && starts.peekFirst().isBefore(cutoff)) {
            starts.removeFirst();
        }
        if (starts.size() < service.startLimitBurst()) {
            return false;
        }
        String interval = TimeSpan.of(service.startLimitInterval()).toString();
        record.wanted = false;
        fail(Outcome.RESOURCES, "start request repeated too quickly: " + starts.size() + " starts within " + interval
                + " (StartLimitBurst=" + service.startLimitBurst() + ", StartLimitIntervalSec=" + interval
                + "); start it again to reset", Optional.empty());
        return true;
    }

    private void cancelRestart() {
        if (restartTimer != null) {
            restartTimer.cancel(false);
            restartTimer = null;
        }
    }

    // ---- details ---------------------------------------------------------------------------------

    /** The container's facts for people; see {@link Details}. */
    Map<String, String> details() {
        return Details.of(ctx.engineUnchecked(), record.containerId, plan, health);
    }

    /** The engine's inspect JSON of the unit's container. */
    Optional<String> inspect() throws EngineException {
        Optional<String> id = record.containerId;
        return id.isEmpty() ? Optional.empty() : ctx.engine().inspectJson(id.get());
    }

    /**
     * Removes the record (and the container, if the engine answers; else the orphan sweep removes it later),
     * after any job already queued; the journal stays.
     *
     * @throws IOException when the record cannot be deleted
     * @throws IllegalStateException when the unit is not settled (inactive or failed) by then
     */
    void forget() throws IOException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        submit(() -> {
            try {
                if (!status.isSettled() || status.sub() == SubState.AUTO_RESTART) {
                    throw new IllegalStateException(name + " is " + status.stateName() + "; stop it before forgetting it");
                }
                forgetNow();
                done.complete(null);
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        try {
            done.get(1, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw (RuntimeException) e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("forgetting " + name + " took more than a minute (its thread is busy)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while forgetting " + name);
        }
        close();
    }

    private void forgetNow() throws IOException {
        record.containerId.ifPresent(id -> {
            try {
                ctx.engine().remove(id);
            } catch (EngineException e) {
                LOG.info("{}: container {} is left for the orphan sweep: {}", name, id, e.getMessage());
            }
        });
        record.containerId = Optional.empty();
        closeLogs();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir) && !p.getFileName().toString().startsWith("journal")) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Ends the unit's thread and log stream; the container keeps running. */
    void close() {
        closed = true;
        cancelRestart();
        closeLogs();
        worker.shutdown();
    }

    // ---- helpers -------------------------------------------------------------------------------

    private void submit(Runnable job) {
        if (closed) {
            return;
        }
        pendingJobs.incrementAndGet();
        try {
            worker.execute(() -> {
                try {
                    job.run();
                } catch (RuntimeException e) {
                    LOG.warn("{}: job failed", name, e);
                } finally {
                    pendingJobs.decrementAndGet();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            pendingJobs.decrementAndGet();
        }
    }

    private void enter(ActiveState active, SubState sub, Optional<String> reason) {
        setStatus(status.withState(active, sub, now(), reason));
    }

    /** Sets the status without persisting or publishing it (a later {@link #setStatus} or {@link #save} does). */
    private void set(UnitStatus s) {
        record.status = s;
        status = s;
    }

    private void setStatus(UnitStatus s) {
        set(s);
        save();
        ctx.publish(s);
    }

    private void save() {
        try {
            record.save(dir);
        } catch (IOException e) {
            LOG.warn("cannot save the state of {} in {}: {}", name, dir, e.toString());
        }
    }

    private void completeStart() {
        UnitStatus s = status;
        startWaiters.forEach(f -> f.complete(s));
        startWaiters.clear();
    }

    private void note(String message) {
        try {
            journal.append(List.of(new JournalEntry(now(), "flotilla", ctx.agentPid(), message)));
        } catch (IOException e) {
            LOG.warn("cannot write the journal of {}: {}", name, e.toString());
        }
    }

    private void closeLogs() {
        if (logs != null) {
            logs.close();
            logs = null;
        }
    }

    private void killQuietly() {
        record.containerId.ifPresent(id -> {
            try {
                Engine engine = ctx.engine();
                engine.run("killing container " + id, () -> engine.quick.killContainerCmd(id).exec());
            } catch (EngineException e) {
                LOG.debug("{}: kill: {}", name, e.getMessage());
            }
        });
    }

    private void checkStop() throws StopRequested {
        if (stopRequested || closed) {
            throw new StopRequested();
        }
    }

    private void sleep(Duration d) throws StopRequested {
        Instant until = now().plus(d);
        while (now().isBefore(until)) {
            checkStop();
            try {
                Thread.sleep(Math.min(POLL.toMillis(), Math.max(1, Duration.between(now(), until).toMillis())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StopRequested();
            }
        }
    }

    private void removeContainer(Engine engine) throws EngineException {
        closeLogs();
        if (record.containerId.isPresent()) {
            engine.remove(record.containerId.get());
            record.containerId = Optional.empty();
            save();
        }
        Optional<InspectContainerResponse> same = engine.inspect(plan.name);
        if (same.isPresent()) {
            Map<String, String> labels = same.get().getConfig().getLabels();
            if (labels != null && ctx.stateDirLabel().equals(labels.get(ContainerPlan.LABEL_STATE_DIR))
                    && name.name().equals(labels.get(ContainerPlan.LABEL_UNIT))) {
                engine.remove(same.get().getId()); // an earlier run of this unit that the record lost
            } else {
                throw new EngineException("the container name " + plan.name + " is taken by container "
                        + shortId(same.get().getId()) + ", which Flotilla's " + name + " did not create here: remove "
                        + "it (docker rm -f " + plan.name + ") or give the unit another ContainerName=", false, null);
            }
        }
    }

    private Instant now() {
        return ctx.clock().instant();
    }

    static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    private static long pidOf(InspectContainerResponse c) {
        Long pid = c.getState().getPidLong();
        return pid == null ? 0 : pid;
    }

    /**
     * How the container's main process ended, as Docker reports it: statuses above 128 are deaths by signal
     * (status - 128), which is how the init reports a child killed by one.
     */
    static ProcessExit exitOf(InspectContainerResponse c) {
        Long code = c.getState().getExitCodeLong();
        if (code == null) {
            return new ProcessExit.Unknown();
        }
        if (code > 128 && code <= 128 + 64) {
            int signal = (int) (code - 128);
            return new ProcessExit.Killed(signal, Signals.name(signal), false);
        }
        return code >= 0 && code <= 255 ? new ProcessExit.Exited(code.intValue()) : new ProcessExit.Unknown();
    }

    /** Thrown inside a start job when a stop was asked for meanwhile. */
    private static final class StopRequested extends Exception {
        private static final long serialVersionUID = 1L;
    }

    /** Thrown inside a start job when {@code TimeoutStartSec=} passed. */
    private static final class StartTimeout extends Exception {
        private static final long serialVersionUID = 1L;

        StartTimeout(String message) {
            super(message);
        }
    }
}
