package dev.flotilla.runtime.docker;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;

import dev.flotilla.runtime.ActiveState;
import dev.flotilla.runtime.LoadState;
import dev.flotilla.runtime.ProcessExit;
import dev.flotilla.runtime.StartRequest;
import dev.flotilla.runtime.SubState;
import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.runtime.docker.Engine.EngineException;
import dev.flotilla.runtime.docker.ServiceSettings.Outcome;
import dev.flotilla.unit.TimeSpan;
import dev.flotilla.unit.UnitName;

/**
 * What happens to a container unit, job by job, on its {@link ContainerUnit}'s thread: a run from pull to
 * active/running, the container's death and what {@code Restart=} makes of it, a health verdict, a stop, and the
 * check of the record against the engine after an agent restart or an engine outage.
 *
 * <pre>
 * start ─► activating/start ──(pull, create, start, startup check)──► active/running
 *              │ bad setting, image missing, engine refuses ─► failed/failed (reason)
 *              │ engine unreachable ─► failed/failed, started again when the engine answers
 * the container exits ─► inactive/dead (status 0) or failed/failed ─► activating/auto-restart (Restart=)
 * stop ─► deactivating/stop-sigterm ─(docker stop: SIGTERM, SIGKILL after the stop timeout)─► inactive/dead
 * </pre>
 *
 * Every method runs on the unit's thread (its jobs run one at a time), except {@link #requestStop}, {@link
 * #clearStop} and the volatile readers {@link #plan()} and {@link #health()}.
 */
final class ContainerLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerLifecycle.class);
    private static final Duration LOG_DRAIN = Duration.ofSeconds(3);
    private static final Duration POLL = Duration.ofMillis(100);

    private final ContainerUnit unit;
    private final UnitName name;
    private final RuntimeContext ctx;
    private final ContainerRecord record;
    private volatile ContainerPlan plan;
    private volatile String health = "";
    private volatile boolean stopRequested;
    private boolean waitingForEngine;
    /** Why the runtime itself killed the current container, for the reason of its death. */
    private Optional<String> killedBecause = Optional.empty();
    private Instant runStartedAt = Instant.EPOCH;
    private final Deque<Instant> starts = new ArrayDeque<>();
    private ScheduledFuture<?> restartTimer;
    private LogFollower logs;

    ContainerLifecycle(ContainerUnit unit, ContainerRecord record, RuntimeContext ctx) {
        this.unit = unit;
        this.name = unit.name;
        this.record = record;
        this.ctx = ctx;
    }

    /** The plan of the current or last run; null before the first (or when the recorded definition no longer reads). */
    ContainerPlan plan() {
        return plan;
    }

    /** The engine's last health verdict seen in its events ({@code healthy}, {@code unhealthy}), or empty. */
    String health() {
        return health;
    }

    /** Any thread: a stop is coming; a start in progress gives up at its next step. */
    void requestStop() {
        stopRequested = true;
    }

    /** Any thread: a start is coming after the stops already queued. */
    void clearStop() {
        stopRequested = false;
    }

    /** The engine answers again after an outage: check the container, start what waited for the engine. */
    void engineBack() {
        reconcile();
        if (waitingForEngine && record.wanted && record.request.isPresent()) {
            waitingForEngine = false;
            starts.clear();
            run(record.request.get());
        }
    }

    /** The engine stopped answering: say so in the reason of a unit that runs (its container may be gone too). */
    void engineLost(String why) {
        if (status().active() == ActiveState.ACTIVE) {
            setStatus(status().withState(status().active(), status().sub(), status().since(),
                    Optional.of("lost the Docker engine (" + why + "); state as last seen, checking again every "
                            + TimeSpan.of(ctx.engineRetry()))));
        }
    }

    /** A container event the runtime's engine watch saw for this unit's containers. */
    void onEvent(String action, String containerId) {
        if (!record.containerId.filter(containerId::equals).isPresent()) {
            return;
        }
        if (action.equals("die")) {
            if (status().active() == ActiveState.ACTIVE) {
                died();
            }
        } else if (action.startsWith("health_status")) {
            health = action.substring(action.indexOf(':') + 1).strip();
            if (health.equals("unhealthy") && status().active() == ActiveState.ACTIVE) {
                unhealthy();
            }
        }
    }

    /** A stop job: see {@link #stopNow}. */
    void stop() {
        stopNow();
    }

    /** A resume job after an agent restart: see {@link #reconcile}. */
    void resume() {
        reconcile();
    }

    /** Ends the log stream; the container keeps running. */
    void close() {
        cancelRestart();
        closeLogs();
    }

    /** Drops the container from the record (the unit is being forgotten) and ends the log stream. */
    void forgetContainer() {
        record.containerId = Optional.empty();
        closeLogs();
    }

    /** A start job: a no-op for a unit that runs or starts; resets the restart count and the start limit. */
    void startJob(StartRequest request, CompletableFuture<UnitStatus> done) {
        boolean pendingRestart = status().sub() == SubState.AUTO_RESTART;
        if (!pendingRestart && (status().active() == ActiveState.ACTIVE || status().active() == ActiveState.ACTIVATING)) {
            done.complete(status());
            return;
        }
        cancelRestart();
        record.wanted = true;
        record.consecutiveRestarts = 0;
        starts.clear();
        set(status().withRestarts(0));
        unit.awaitStart(done);
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
            set(status().withDefinition(LoadState.BAD_SETTING, Optional.of(request.definition().hash()), List.of()));
            fail(Outcome.RESOURCES, e.getMessage(), Optional.empty());
            return;
        }
        if (startLimitHit(service, now)) {
            return;
        }
        starts.addLast(now);
        set(status().withDefinition(LoadState.LOADED, Optional.of(request.definition().hash()), List.of())
                .withMainPid(OptionalLong.empty()));
        enter(ActiveState.ACTIVATING, SubState.START, Optional.empty());
        note("Starting " + name + " (container " + plan.name + ", image " + plan.spec.image() + ")...");
        plan.notes.forEach(this::note);
        Optional<Instant> deadline = service.startTimeout().map(now::plus);
        try {
            Engine engine = ctx.engine();
            ContainerLauncher launcher = new ContainerLauncher(engine, plan, this::note);
            closeLogs();
            if (record.containerId.isPresent()) {
                engine.remove(record.containerId.get());
                record.containerId = Optional.empty();
                save();
            }
            launcher.removeEarlierRun(ctx.stateDirLabel());
            launcher.ensureImage(deadline.map(d -> Duration.between(now(), d)));
            launcher.ensureNetworksAndVolumes();
            checkStop();
            CreateContainerResponse created = launcher.create(request.machine().publicIp());
            record.containerId = Optional.of(created.getId());
            record.containerName = Optional.of(plan.name);
            health = "";
            killedBecause = Optional.empty();
            save();
            launcher.connectNetworks(created.getId());
            checkStop();
            engine.run("starting container " + plan.name, () -> engine.quick().startContainerCmd(created.getId()).exec());
            InspectContainerResponse inspected = engine.inspect(created.getId()).orElseThrow(() -> new EngineException(
                    "container " + plan.name + " vanished right after it started", false, null));
            long pid = Containers.pidOf(inspected);
            closeLogs();
            logs = LogFollower.start(engine, created.getId(), plan.name, pid, unit.journal, ContainerJournal.LogCursor.START);
            set(status().withMainPid(pid > 0 ? OptionalLong.of(pid) : OptionalLong.empty())
                    .withDefinition(LoadState.LOADED, status().hash(), Limits.report(plan, inspected, created.getWarnings())));
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
            note("Started " + name + ": container " + Containers.shortId(created.getId()) + (pid > 0 ? ", main PID " + pid : ""));
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
        Optional<ProcessExit> exit = gone.map(Containers::exitOf);
        boolean oom = gone.map(g -> Boolean.TRUE.equals(g.getState().getOOMKilled())).orElse(false);
        String who = "container " + record.containerName.orElse(Containers.shortId(id));
        String reason;
        Outcome outcome;
        if (exit.isEmpty()) {
            reason = who + " (" + Containers.shortId(id) + ") is gone: it was removed outside Flotilla";
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
        set(status().withMainPid(OptionalLong.empty()));
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
                setStatus(status().withState(ActiveState.FAILED, SubState.FAILED, now(),
                        Optional.of("container " + plan.name + " was unhealthy and stopped (HealthOnFailure=stop)")));
            }
            case "restart" -> {
                StartRequest request = record.request.orElseThrow();
                stopNow();
                record.wanted = true;
                setStatus(status().withRestarts(status().restarts() + 1));
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
        if (status().sub() == SubState.AUTO_RESTART) {
            enter(ActiveState.INACTIVE, SubState.DEAD, Optional.empty());
        }
        if (record.containerId.isEmpty()) {
            if (!status().isSettled()) {
                enter(ActiveState.INACTIVE, SubState.DEAD, Optional.empty());
            }
            completeStart();
            return;
        }
        String id = record.containerId.get();
        boolean running = status().active() == ActiveState.ACTIVE || status().active() == ActiveState.ACTIVATING
                || status().active() == ActiveState.DEACTIVATING;
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
                after.map(Containers::exitOf).ifPresent(e -> set(status().withLastExit(e)));
                if (logs != null) {
                    logs.awaitEnd(LOG_DRAIN);
                }
            }
            closeLogs();
            engine.remove(id);
            record.containerId = Optional.empty();
            set(status().withMainPid(OptionalLong.empty()));
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
            if (status().sub() == SubState.AUTO_RESTART && plan != null) {
                scheduleRestart(record.request.get(), status().reason().orElse("the container ended"), false);
            } else if (status().active() == ActiveState.ACTIVATING && record.wanted && record.request.isPresent()) {
                run(record.request.get()); // the last agent died while starting it
            }
            return;
        }
        String id = record.containerId.get();
        Optional<InspectContainerResponse> c;
        try {
            c = ctx.engine().inspect(id);
        } catch (EngineException e) {
            if (status().active() == ActiveState.ACTIVE) {
                setStatus(status().withState(status().active(), status().sub(), status().since(), Optional.of(
                        "cannot check container " + record.containerName.orElse(id) + ": " + e.getMessage())));
            }
            return;
        }
        boolean running = c.map(i -> Boolean.TRUE.equals(i.getState().getRunning())).orElse(false);
        if (!record.wanted || status().active() == ActiveState.DEACTIVATING) {
            stopNow(); // the last agent died while stopping it, or it was stopped while the engine was away
            return;
        }
        if (running && plan != null) {
            long pid = Containers.pidOf(c.get());
            if (logs == null || logs.hasEnded()) {
                closeLogs();
                try {
                    logs = LogFollower.start(ctx.engine(), id, plan.name, pid, unit.journal, unit.journal.cursor(plan.name));
                } catch (EngineException | IOException e) {
                    note("cannot follow the container's log: " + e.getMessage());
                }
            }
            health = Optional.ofNullable(c.get().getState().getHealth()).map(h -> h.getStatus()).orElse("");
            set(status().withMainPid(OptionalLong.of(pid)));
            if (status().active() != ActiveState.ACTIVE) {
                runStartedAt = now();
                enter(ActiveState.ACTIVE, SubState.RUNNING, Optional.empty());
                completeStart();
            } else if (status().reason().isPresent()) {
                setStatus(status().withState(ActiveState.ACTIVE, SubState.RUNNING, status().since(), Optional.empty()));
            } else {
                save();
            }
        } else if (status().active() == ActiveState.ACTIVE || status().active() == ActiveState.ACTIVATING) {
            if (plan != null) {
                if ((logs == null || logs.hasEnded()) && c.isPresent()) {
                    closeLogs();
                    try {
                        logs = LogFollower.start(ctx.engine(), id, plan.name, status().mainPid().orElse(0), unit.journal,
                                unit.journal.cursor(plan.name));
                    } catch (EngineException | IOException e) {
                        note("cannot read the container's last log lines: " + e.getMessage());
                    }
                }
                died();
            }
        }
    }

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
            note("Scheduled restart in " + TimeSpan.of(delay) + ", restart counter is at " + (status().restarts() + 1) + ".");
        }
        completeStart();
        restartTimer = ctx.scheduler().schedule(() -> unit.submit(() -> {
            if (status().sub() == SubState.AUTO_RESTART && record.wanted) {
                setStatus(status().withRestarts(status().restarts() + 1));
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

    private void killQuietly() {
        record.containerId.ifPresent(id -> {
            try {
                Engine engine = ctx.engine();
                engine.run("killing container " + id, () -> engine.quick().killContainerCmd(id).exec());
            } catch (EngineException e) {
                LOG.debug("{}: kill: {}", name, e.getMessage());
            }
        });
    }

    private void checkStop() throws StopRequested {
        if (stopRequested || unit.isClosed()) {
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

    private void closeLogs() {
        if (logs != null) {
            logs.close();
            logs = null;
        }
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

    // ---- the unit's state, through the unit ------------------------------------------------------

    private UnitStatus status() {
        return unit.status();
    }

    private void set(UnitStatus s) {
        unit.set(s);
    }

    private void setStatus(UnitStatus s) {
        unit.setStatus(s);
    }

    private void enter(ActiveState active, SubState sub, Optional<String> reason) {
        unit.enter(active, sub, reason);
    }

    private void save() {
        unit.save();
    }

    private void note(String message) {
        unit.note(message);
    }

    private void completeStart() {
        unit.completeStart();
    }

    private Instant now() {
        return ctx.clock().instant();
    }
}
