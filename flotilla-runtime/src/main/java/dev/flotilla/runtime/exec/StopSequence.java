package dev.flotilla.runtime.exec;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;

import dev.flotilla.runtime.ActiveState;
import dev.flotilla.runtime.ProcessExit;
import dev.flotilla.runtime.SubState;
import dev.flotilla.runtime.exec.CommandRunner.Step;
import dev.flotilla.runtime.exec.ServiceSpec.KillMode;
import dev.flotilla.runtime.exec.ServiceUnit.Wake;
import dev.flotilla.runtime.exec.UnitRecord.Result;
import dev.flotilla.unit.TimeSpan;

/**
 * The second half of a run ({@link ServiceLifecycle}'s diagram): {@code ExecStop=} (only when the
 * start had completed), {@code KillSignal=} to every process of the unit and {@code SIGKILL} after
 * {@code TimeoutStopSec=}, {@code ExecStopPost=}, then the same signals for whatever the post-stop
 * commands left. The stop commands see {@code MAINPID}, {@code SERVICE_RESULT}, {@code EXIT_CODE}
 * and {@code EXIT_STATUS} as in systemd. Used by the unit's lifecycle thread only.
 */
final class StopSequence {

    /** Where an adopted run picks up within the stop half. */
    record Resume(SubState phase, int step, long controlSeq) {}

    private static final Duration KILL_SLICE = Duration.ofMillis(50);
    private static final Duration SIGKILL_WAIT = Duration.ofSeconds(10);

    private final ServiceUnit unit;
    private final ServiceSpec spec;
    private final CommandRunner runner;
    private Resume resume;

    StopSequence(ServiceUnit unit, ServiceSpec spec, CommandRunner runner) {
        this.unit = unit;
        this.spec = spec;
        this.runner = runner;
    }

    /** Stops everything of the run; {@code started} runs {@code ExecStop=} first. */
    void run(boolean started, Resume from) {
        this.resume = from;
        if (started && !after(SubState.STOP) && !spec.commands().stop().isEmpty()) {
            controls(SubState.STOP, spec.commands().stop());
        }
        if (!after(SubState.STOP_SIGKILL)) {
            kill(SubState.STOP_SIGTERM, SubState.STOP_SIGKILL);
        }
        recordMainExit();
        if (!after(SubState.STOP_POST) && !spec.commands().stopPost().isEmpty()) {
            controls(SubState.STOP_POST, spec.commands().stopPost());
        }
        resume = null;
        kill(SubState.FINAL_SIGTERM, SubState.FINAL_SIGKILL);
        List<java.nio.file.Path> cgroups = unit.read(r -> r.cgroups);
        Cgroups.remove(cgroups);
        unit.update(r -> {
            r.cgroups.clear();
            r.mainSeq = -1;
            r.mainProcess = Optional.empty();
            r.status = r.status.withMainPid(OptionalLong.empty());
            return null;
        });
        unit.output.unpinAll();
        unit.onFilesChanged();
    }

    private void controls(SubState phase, List<ExecCommand> commands) {
        int first = 0;
        Optional<Invocation> adopted = Optional.empty();
        if (resume != null && resume.phase() == phase) {
            first = resume.step();
            adopted = resume.controlSeq() >= 0 ? Invocation.load(unit.runDir, resume.controlSeq()) : Optional.empty();
        } else {
            unit.enter(ActiveState.DEACTIVATING, phase);
        }
        resume = null;
        for (int i = first; i < commands.size(); i++) {
            Optional<Instant> deadline = spec.kill().timeout().map(d -> now().plus(d));
            Step s = runner.control(phase, i, commands.get(i), i == first ? adopted : Optional.empty(), deadline, false,
                    stopEnvironment());
            if (s != Step.OK) {
                return;
            }
        }
    }

    /** The kill signal to the unit's processes, SIGKILL after the stop timeout. */
    private void kill(SubState termState, SubState killState) {
        Optional<ProcessIdentity> main = unit.read(r -> r.mainProcess);
        List<java.nio.file.Path> cgroups = unit.read(r -> List.copyOf(r.cgroups));
        Supplier<Set<Long>> all = () -> UnitProcesses.all(unit.runDir, cgroups, main);
        KillMode mode = spec.kill().mode();
        boolean resumedKill = resume != null && resume.phase() == killState;
        resume = null;
        if (resumedKill) {
            sigkill(killState, all);
            return;
        }
        Supplier<Set<Long>> targets = mode == KillMode.CONTROL_GROUP ? all : () -> UnitProcesses.mainOnly(main);
        if (targets.get().isEmpty()) {
            if (mode == KillMode.MIXED && !all.get().isEmpty()) {
                sigkill(killState, all);
            }
            return;
        }
        unit.enter(ActiveState.DEACTIVATING, termState);
        int signal = spec.kill().signal();
        Set<Long> signalled = new HashSet<>();
        Optional<Instant> deadline = spec.kill().timeout().map(d -> now().plus(d));
        Wake w = unit.await(() -> {
            Set<Long> now = targets.get();
            for (long pid : now) {
                if (signalled.add(pid)) {
                    UnitProcesses.signal(List.of(pid), signal);
                    if (signal != Signals.KILL) {
                        UnitProcesses.signal(List.of(pid), 18); // SIGCONT, so a stopped process sees the signal
                    }
                }
            }
            return now.isEmpty();
        }, deadline, false, KILL_SLICE);
        if (w == Wake.TIMEOUT) {
            if (!spec.kill().sendSigkill()) {
                unit.note("processes still run after TimeoutStopSec=" + TimeSpan.of(spec.kill().timeout().orElseThrow())
                        + "; SendSIGKILL=no leaves them running");
                return;
            }
            runner.fail(Result.TIMEOUT, "stop timed out after " + TimeSpan.of(spec.kill().timeout().orElseThrow())
                    + " (TimeoutStopSec): the processes ignored SIG" + Signals.name(signal) + " and were killed with SIG"
                    + Signals.name(spec.kill().finalSignal()), Optional.empty());
            sigkill(killState, mode == KillMode.PROCESS ? targets : all);
        } else if (mode == KillMode.MIXED && !all.get().isEmpty()) {
            sigkill(killState, all);
        }
    }

    private void sigkill(SubState killState, Supplier<Set<Long>> targets) {
        unit.enter(ActiveState.DEACTIVATING, killState);
        int signal = spec.kill().finalSignal();
        Wake w = unit.await(() -> {
            Set<Long> now = targets.get();
            UnitProcesses.signal(now, signal);
            return now.isEmpty();
        }, Optional.of(now().plus(SIGKILL_WAIT)), false, KILL_SLICE);
        if (w == Wake.TIMEOUT) {
            unit.note("processes survived SIG" + Signals.name(signal) + ": " + targets.get());
        }
    }

    /** After the kill: how the main process of a simple service ended, for status and ExecStopPost=. */
    private void recordMainExit() {
        long seq = unit.read(r -> r.mainSeq);
        if (seq < 0 || spec.type() != ServiceSpec.ServiceType.SIMPLE) {
            return;
        }
        Optional<Invocation> main = Invocation.load(unit.runDir, seq);
        // the shim records the exit right after the process is gone: give it a moment
        main.ifPresent(inv -> unit.await(() -> inv.mainExit().isPresent(), Optional.of(now().plus(Duration.ofSeconds(2))),
                false, KILL_SLICE));
        main.flatMap(Invocation::mainExit).ifPresent(exit -> unit.update(r -> {
            r.status = r.status.withLastExit(exit);
            return null;
        }));
    }

    private Map<String, String> stopEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        unit.read(r -> r.mainProcess).filter(ProcessIdentity::alive)
                .ifPresent(id -> env.put("MAINPID", Long.toString(id.pid())));
        env.put("SERVICE_RESULT", unit.read(r -> r.result).systemdName);
        unit.read(r -> r.status.lastExit()).ifPresent(exit -> {
            switch (exit) {
                case ProcessExit.Exited e -> {
                    env.put("EXIT_CODE", "exited");
                    env.put("EXIT_STATUS", Integer.toString(e.status()));
                }
                case ProcessExit.Killed k -> {
                    env.put("EXIT_CODE", k.coreDumped() ? "dumped" : "killed");
                    env.put("EXIT_STATUS", k.name());
                }
                case ProcessExit.Unknown u -> { }
            }
        });
        return env;
    }

    private boolean after(SubState phase) {
        return resume != null && resume.phase().ordinal() > phase.ordinal() && resume.phase() != SubState.FAILED
                && resume.phase() != SubState.AUTO_RESTART;
    }

    private Instant now() {
        return unit.services.clock().instant();
    }
}
