package dev.flotilla.runtime.exec;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import dev.flotilla.runtime.ActiveState;
import dev.flotilla.runtime.LimitReport;
import dev.flotilla.runtime.LoadState;
import dev.flotilla.runtime.ProcessExit;
import dev.flotilla.runtime.StartRequest;
import dev.flotilla.runtime.SubState;
import dev.flotilla.runtime.exec.CommandRunner.Step;
import dev.flotilla.runtime.exec.ServiceSpec.ServiceType;
import dev.flotilla.runtime.exec.ServiceUnit.Wake;
import dev.flotilla.runtime.exec.UnitRecord.Result;

/**
 * The life of one run of a {@code .service} unit, systemd's service state machine, carried out by
 * straight-line code on the unit's own (virtual) thread:
 *
 * <pre>
 *   inactive/dead, failed/failed
 *        │ start()                                      (any failure, timeout or stop() during start:
 *        ▼                                               skip ExecStop, go to stop-sigterm)
 *   activating/start-pre ──► activating/start ──► activating/start-post ──► active/running
 *     ExecStartPre=            ExecStart= of         ExecStartPost=              │ main process exits,
 *     (TimeoutStartSec         oneshot, forking                                  │ or stop()
 *      covers all three)                                                          │   RemainAfterExit=yes and
 *                                                                                 │   clean exit: active/exited
 *                                                                                 ▼   until stop()
 *   deactivating/stop ──► stop-sigterm ──TimeoutStopSec──► stop-sigkill ──► stop-post ──► final-sigterm/-sigkill
 *     ExecStop=             KillSignal= to every             SIGKILL           ExecStopPost=   leftovers of stop-post
 *     ($MAINPID...)         process of the unit                                                 │
 *                                                                                               ▼ settle
 *   result success or stop(): inactive/dead            failure: failed/failed, reason set
 *   Restart= wants a restart (and no stop()): activating/auto-restart ── RestartSec=, doubled per
 *   consecutive restart up to RestartMaxDelaySec= ──► start-pre again; more than StartLimitBurst=
 *   starts within StartLimitIntervalSec=: failed/failed (start-limit-hit)
 * </pre>
 *
 * <p>Every transition is persisted before it is published, with the phase, the step within it and
 * the sequence numbers of the running commands. A lifecycle created after an agent restart
 * ({@code resuming}) picks up in the persisted phase: it keeps waiting for the command that was
 * running (the shim recorded its exit even if it ended meanwhile) and goes on from there, so a
 * running unit is never restarted by an agent restart. Used by one thread only.
 */
final class ServiceLifecycle {

    private static final Duration RUNNING_SLICE = Duration.ofSeconds(1);
    private static final Duration PID_WAIT = Duration.ofSeconds(30);

    /** Where an adopted run picks up; consumed (set to null) once the phase is reached. */
    private record Resume(SubState phase, int step, long controlSeq, long mainSeq) {}

    private final ServiceUnit unit;
    private ServiceSpec spec;
    private CommandRunner runner;
    private Resume resume;

    ServiceLifecycle(ServiceUnit unit) {
        this.unit = unit;
    }

    /** Runs the unit until it settles (inactive or failed). */
    void run(boolean resuming) {
        StartRequest request = unit.read(r -> r.request).orElseThrow();
        if (resuming) {
            resume = unit.read(r -> new Resume(r.status.sub(), r.step, r.controlSeq, r.mainSeq));
            if (!unit.read(r -> r.bootId).equals(unit.services.bootId())) {
                unit.update(r -> {
                    r.result = Result.SUCCESS;
                    r.status = r.status.withState(ActiveState.INACTIVE, SubState.DEAD, now(),
                            Optional.of("the machine rebooted since the unit ran")).withMainPid(OptionalLong.empty());
                    return null;
                });
                return;
            }
        }
        Optional<UserAccount> user;
        try {
            spec = ServiceSpecParser.parse(request.definition(), request.machine());
        } catch (BadSettingException e) {
            failEarly(true, request, "Bad setting: " + e.getMessage());
            return;
        }
        try {
            user = spec.context().user().map(u -> UserAccount.resolve(u, spec.context().group()));
        } catch (BadSettingException e) {
            failEarly(false, request, e.getMessage());
            return;
        }
        runner = new CommandRunner(unit, spec, request, user);
        try {
            ExecWatchdog.writeKillSettings(unit.dir, spec.kill());
        } catch (java.io.IOException e) {
            unit.note("cannot write the kill settings for the fencing watchdog (it uses SIGTERM, then SIGKILL after 90s): "
                    + e.getMessage());
        }
        if (!resuming) {
            spec.notes().forEach(unit::note);
        }
        AutoRestart restarts = new AutoRestart(unit, spec, runner);
        if (resume != null && resume.phase() == SubState.AUTO_RESTART) {
            resume = null;
            if (!restarts.waitForRestart(true)) {
                settle();
                return;
            }
        }
        while (true) {
            if (resume == null && restarts.startLimitHit()) {
                settle();
                return;
            }
            cycle();
            resume = null;
            if (!unit.stopRequested() && unit.fenced().isEmpty() && restarts.wanted()) {
                if (!restarts.waitForRestart(false)) {
                    settle();
                    return;
                }
                continue;
            }
            settle();
            return;
        }
    }

    // ---- one run: start, run, stop --------------------------------------------------------------

    private void cycle() {
        if (resume == null) {
            unit.update(r -> {
                r.result = Result.SUCCESS;
                r.starts.add(now());
                r.step = 0;
                r.controlSeq = -1;
                r.mainSeq = -1;
                r.mainProcess = Optional.empty();
                r.status = r.status.withState(ActiveState.ACTIVATING, SubState.START_PRE, now(), Optional.empty())
                        .withMainPid(OptionalLong.empty());
                return null;
            });
            unit.note("Starting " + unit.name + "...");
            if (!applyLimits()) {
                new StopSequence(unit, spec, runner).run(false, null);
                return;
            }
        }
        boolean started = startPhase();
        if (started && !after(SubState.EXITED)) {
            runningPhase();
        }
        Resume r = resume;
        resume = null;
        new StopSequence(unit, spec, runner).run(started, r == null ? null
                : new StopSequence.Resume(r.phase(), r.step(), r.controlSeq()));
    }

    private boolean applyLimits() {
        if (!spec.resources().any()) {
            unit.update(r -> {
                r.status = r.status.withDefinition(LoadState.LOADED, Optional.of(spec.hash()), List.of());
                return null;
            });
            return true;
        }
        Cgroups.Prepared prepared = unit.services.cgroups().prepare(unit.dir.getFileName().toString(), spec.resources());
        unit.update(r -> {
            r.cgroups = new java.util.ArrayList<>(prepared.dirs());
            r.status = r.status.withDefinition(LoadState.LOADED, Optional.of(spec.hash()), prepared.reports());
            return null;
        });
        prepared.reports().forEach(l -> unit.note(l.describe()));
        List<LimitReport> missing = prepared.reports().stream().filter(l -> !l.applied()).toList();
        if (!missing.isEmpty() && unit.services.requireLimits()) {
            runner.fail(Result.RESOURCES, "resource limits required but not applied: " + missing.getFirst().describe(),
                    Optional.empty());
            return false;
        }
        return true;
    }

    /** ExecStartPre, ExecStart, ExecStartPost; true when the unit started. */
    private boolean startPhase() {
        if (after(SubState.START_POST)) {
            return true;
        }
        Optional<Instant> deadline = resume != null ? unit.read(r -> r.deadline) : spec.timeoutStart().map(d -> now().plus(d));
        unit.update(r -> {
            r.deadline = deadline;
            return null;
        });
        if (!after(SubState.START_PRE) && !runControls(SubState.START_PRE, spec.commands().startPre(), deadline, Map.of())) {
            return false;
        }
        if (!after(SubState.START)) {
            boolean ok = switch (spec.type()) {
                case SIMPLE -> startSimple();
                case FORKING -> startForking(deadline);
                case ONESHOT -> runControls(SubState.START, spec.commands().start(), deadline, Map.of());
            };
            if (!ok) {
                return false;
            }
        }
        if (!after(SubState.START_POST) && !spec.commands().startPost().isEmpty()
                && !runControls(SubState.START_POST, spec.commands().startPost(), deadline, mainPidEnv())) {
            return false;
        }
        unit.update(r -> {
            r.deadline = Optional.empty();
            return null;
        });
        return true;
    }

    /** Runs {@code commands} as control commands of {@code phase}, from the resumed step on. */
    private boolean runControls(SubState phase, List<ExecCommand> commands, Optional<Instant> deadline,
            Map<String, String> extra) {
        int first = 0;
        Optional<Invocation> adopted = Optional.empty();
        if (resumingAt(phase)) {
            first = resume.step();
            adopted = resume.controlSeq() >= 0 ? Invocation.load(unit.runDir, resume.controlSeq()) : Optional.empty();
            resume = null;
        } else if (!commands.isEmpty()) {
            unit.enter(ActiveState.ACTIVATING, phase);
        }
        for (int i = first; i < commands.size(); i++) {
            Step s = runner.control(phase, i, commands.get(i), i == first ? adopted : Optional.empty(), deadline, true, extra);
            if (s != Step.OK) {
                return false;
            }
        }
        return true;
    }

    private boolean startSimple() {
        ExecCommand command = spec.commands().start().getFirst();
        Optional<Invocation> main = Optional.empty();
        if (resumingAt(SubState.START) && resume.mainSeq() >= 0) {
            main = Invocation.load(unit.runDir, resume.mainSeq());
        }
        resume = null;
        if (main.isEmpty()) {
            main = runner.startOrFail(command, Map.of());
            if (main.isEmpty()) {
                return false;
            }
        }
        Invocation inv = main.get();
        unit.update(r -> {
            r.mainSeq = inv.seq;
            return null;
        });
        unit.await(() -> inv.mainPid().isPresent() || inv.mainExit().isPresent(), Optional.of(now().plus(PID_WAIT)), false,
                Duration.ofMillis(20));
        OptionalLong pid = inv.mainPid();
        unit.update(r -> {
            r.mainProcess = pid.isPresent() ? ProcessIdentity.of(pid.getAsLong()) : Optional.empty();
            r.status = r.status.withMainPid(pid);
            return null;
        });
        return true;
    }

    private boolean startForking(Optional<Instant> deadline) {
        ExecCommand command = spec.commands().start().getFirst();
        Optional<Invocation> forker = Optional.empty();
        if (resumingAt(SubState.START)) {
            forker = resume.mainSeq() >= 0 ? Invocation.load(unit.runDir, resume.mainSeq()) : Optional.empty();
            resume = null;
        } else {
            unit.enter(ActiveState.ACTIVATING, SubState.START);
        }
        if (forker.isEmpty()) {
            forker = runner.startOrFail(command, Map.of());
            if (forker.isEmpty()) {
                return false;
            }
        }
        Invocation inv = forker.get();
        unit.update(r -> {
            r.mainSeq = inv.seq;
            return null;
        });
        if (runner.finish(SubState.START, 0, command, inv, deadline, true) != Step.OK) {
            return false;
        }
        Optional<ProcessIdentity> daemon = ForkingMain.find(spec, inv, unit, deadline);
        unit.update(r -> {
            r.mainProcess = daemon;
            r.status = r.status.withMainPid(daemon.map(d -> OptionalLong.of(d.pid())).orElse(OptionalLong.empty()));
            return null;
        });
        return true;
    }

    /** active/running until the main process exits or stop() (or active/exited with RemainAfterExit=). */
    private void runningPhase() {
        if (resumingAt(SubState.EXITED)) {
            resume = null;
            unit.startJobDone();
            unit.await(() -> false, Optional.empty(), true, RUNNING_SLICE);
            return;
        }
        boolean resumed = resumingAt(SubState.RUNNING);
        resume = null;
        Optional<ProcessIdentity> main = unit.read(r -> r.mainProcess);
        long mainSeq = unit.read(r -> r.mainSeq);
        Optional<Invocation> inv = mainSeq >= 0 ? Invocation.load(unit.runDir, mainSeq) : Optional.empty();
        if (spec.type() == ServiceType.ONESHOT || spec.type() == ServiceType.FORKING && main.isEmpty()) {
            if (spec.remainAfterExit()) {
                enterExited();
            }
            return;
        }
        if (!resumed) {
            unit.transition(ActiveState.ACTIVE, SubState.RUNNING, Optional.empty());
            unit.note("Started " + unit.name + ".");
        }
        unit.startJobDone();
        Instant since = unit.read(r -> r.status.since());
        Wake w = unit.await(() -> mainExit(main, inv).isPresent(), Optional.empty(), true, RUNNING_SLICE);
        if (w == Wake.STOP) {
            return;
        }
        ProcessExit exit = mainExit(main, inv).orElseThrow();
        Duration ran = Duration.between(since, now());
        unit.update(r -> {
            r.status = r.status.withLastExit(exit).withMainPid(OptionalLong.empty());
            if (ran.compareTo(spec.restart().interval()) >= 0) {
                r.consecutiveRestarts = 0;
            }
            return null;
        });
        if (spec.success().isSuccess(exit) || spec.commands().start().getFirst().ignoreFailure()) {
            unit.note("Main process exited, " + exit.describe());
            if (spec.remainAfterExit()) {
                enterExited();
            }
            return;
        }
        String oom = exit instanceof ProcessExit.Killed k && k.signal() == Signals.KILL
                && Cgroups.oomKills(unit.read(r -> r.cgroups)) > 0
                ? " (out of memory: " + spec.resources().memory().map(l -> l.key() + "=" + l.value()).orElse("limit") + ")" : "";
        runner.fail(CommandRunner.resultOf(exit), spec.commands().start().getFirst().describe() + " "
                + CommandRunner.describe(exit) + oom, Optional.of(exit));
    }

    private Optional<ProcessExit> mainExit(Optional<ProcessIdentity> main, Optional<Invocation> inv) {
        if (spec.type() == ServiceType.SIMPLE) {
            return inv.isPresent() ? inv.get().mainExit() : Optional.of(new ProcessExit.Unknown());
        }
        ProcessIdentity daemon = main.orElseThrow();
        Optional<ProcessExit> recorded = inv.flatMap(i -> i.exitOf(daemon.pid()));
        if (recorded.isPresent() || daemon.alive()) {
            return recorded;
        }
        return inv.flatMap(i -> i.exitOf(daemon.pid())).or(() -> Optional.of(new ProcessExit.Unknown()));
    }

    private void enterExited() {
        unit.transition(ActiveState.ACTIVE, SubState.EXITED, Optional.empty());
        unit.note("Finished " + unit.name + "; it stays active (RemainAfterExit=yes).");
        unit.startJobDone();
        unit.await(() -> false, Optional.empty(), true, RUNNING_SLICE);
    }

    // ---- restarts and settling -----------------------------------------------------------------

    /** Fails before anything ran: a refused setting ({@code badSetting}) or an unusable account. */
    private void failEarly(boolean badSetting, StartRequest request, String reason) {
        String why = badSetting ? reason.substring("Bad setting: ".length()) : reason;
        unit.update(r -> {
            r.result = Result.EXIT_CODE;
            if (badSetting) {
                r.status = r.status.withDefinition(LoadState.BAD_SETTING, Optional.of(request.definition().hash()), List.of());
            }
            r.status = r.status.withState(ActiveState.FAILED, SubState.FAILED, now(), Optional.of(why));
            return null;
        });
        unit.note(reason);
    }

    private void settle() {
        Optional<String> fenced = unit.fenced();
        Result result = unit.update(r -> {
            boolean ok = r.result == Result.SUCCESS;
            Optional<String> reason = fenced.isPresent() ? fenced : ok ? Optional.<String>empty() : r.status.reason();
            r.status = r.status.withState(ok ? ActiveState.INACTIVE : ActiveState.FAILED, ok ? SubState.DEAD : SubState.FAILED,
                    now(), reason).withMainPid(OptionalLong.empty());
            r.controlSeq = -1;
            r.mainSeq = -1;
            r.mainProcess = Optional.empty();
            r.deadline = Optional.empty();
            r.restartAt = Optional.empty();
            return r.result;
        });
        unit.note(result == Result.SUCCESS ? "Stopped " + unit.name + "."
                : unit.name + ": Failed with result '" + result.systemdName + "'.");
    }

    // ---- helpers -------------------------------------------------------------------------------

    private Map<String, String> mainPidEnv() {
        OptionalLong pid = unit.read(r -> r.status.mainPid());
        return pid.isPresent() ? Map.of("MAINPID", Long.toString(pid.getAsLong())) : Map.of();
    }

    private boolean resumingAt(SubState phase) {
        return resume != null && resume.phase() == phase;
    }

    /** Whether the resumed phase comes after {@code phase} (so {@code phase} was done before the restart). */
    private boolean after(SubState phase) {
        return resume != null && resume.phase().ordinal() > phase.ordinal();
    }

    private Instant now() {
        return unit.services.clock().instant();
    }
}
