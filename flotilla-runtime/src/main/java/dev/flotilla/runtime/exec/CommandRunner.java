package dev.flotilla.runtime.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.flotilla.runtime.ProcessExit;
import dev.flotilla.runtime.StartRequest;
import dev.flotilla.runtime.SubState;
import dev.flotilla.runtime.exec.ServiceUnit.Wake;
import dev.flotilla.runtime.exec.UnitRecord.Result;

/**
 * Runs the commands of one run of a unit: builds each command's environment, arguments and working
 * directory, launches it through the shim, and for control commands ({@code ExecStartPre=},
 * {@code ExecStop=}...) waits for the result within a deadline. Used only by the unit's lifecycle
 * thread.
 */
final class CommandRunner {

    /** How a control command ended, from the lifecycle's point of view. */
    enum Step { OK, FAILED, STOPPED }

    /** A command that could not be started; the message is the unit's failure reason. */
    static final class LaunchException extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        LaunchException(String message, int status) {
            super(message);
            this.status = status;
        }
    }

    static final Duration CONTROL_SLICE = Duration.ofMillis(250);

    private final ServiceUnit unit;
    private final ServiceSpec spec;
    private final StartRequest request;
    private final Optional<UserAccount> user;

    CommandRunner(ServiceUnit unit, ServiceSpec spec, StartRequest request, Optional<UserAccount> user) {
        this.unit = unit;
        this.spec = spec;
        this.request = request;
        this.user = user;
    }

    /**
     * Starts {@code command} with the per-command variables {@code extra}.
     *
     * @throws LaunchException with the reason, when the environment, directory or program is missing
     */
    Invocation launch(ExecCommand command, Map<String, String> extra) throws LaunchException {
        Map<String, String> env;
        try {
            Optional<UserAccount> as = command.fullPrivileges() ? Optional.empty() : user;
            env = UnitEnvironment.build(spec, request, as, extra, unit::note);
        } catch (BadSettingException e) {
            throw new LaunchException(command.describe() + ": " + e.getMessage(), 243);
        }
        Path dir = workingDirectory(command);
        if (command.path().startsWith("/") && !Files.isExecutable(Path.of(command.path()))) {
            throw new LaunchException(command.describe() + ": " + command.path() + " does not exist or is not executable",
                    203);
        }
        List<String> args = command.expandEnvironment() ? ExecLineExpander.expandArgs(command.args(), env) : command.args();
        long seq = unit.update(r -> r.nextSeq++);
        unit.output.pin(seq);
        try {
            Optional<UserAccount> as = command.fullPrivileges() ? Optional.empty() : user;
            List<Path> cgroups = unit.read(r -> List.copyOf(r.cgroups));
            Invocation inv = unit.services.blocking().call(() -> unit.services.launcher().launch(unit.runDir, seq,
                    command.key(), command, args, env, Optional.of(dir), as, cgroups));
            inv.process().ifPresent(p -> p.onExit().thenRun(unit::onFilesChanged));
            unit.onFilesChanged();
            return inv;
        } catch (IOException e) {
            throw new LaunchException(command.describe() + ": cannot start it: " + e.getMessage(), 203);
        }
    }

    private Path workingDirectory(ExecCommand command) throws LaunchException {
        Optional<String> configured = spec.context().workingDirectory();
        if (configured.isEmpty()) {
            return Path.of("/");
        }
        String d = configured.get();
        if (d.equals("~")) {
            d = user.map(UserAccount::home).orElse(System.getProperty("user.home"));
        }
        Path p = Path.of(d);
        if (Files.isDirectory(p)) {
            return p;
        }
        if (spec.context().workingDirectoryOptional()) {
            return Path.of("/");
        }
        throw new LaunchException(command.describe() + ": WorkingDirectory=" + d + " does not exist; create it or "
                + "write WorkingDirectory=-" + d, 200);
    }

    /**
     * Runs (or, after adoption, keeps waiting for) one control command of {@code phase}.
     * A failure not ignored by {@code -} sets the run's result and reason.
     *
     * @param adopted the command's invocation when it was already running before an agent restart
     * @param deadline when the phase times out; empty for never
     * @param stopInterrupts whether a stop request abandons the wait (start phases)
     */
    Step control(SubState phase, int step, ExecCommand command, Optional<Invocation> adopted, Optional<Instant> deadline,
            boolean stopInterrupts, Map<String, String> extra) {
        Optional<Invocation> inv = adopted.isPresent() ? adopted : startOrFail(command, extra);
        if (inv.isEmpty()) {
            return command.ignoreFailure() ? Step.OK : Step.FAILED;
        }
        return finish(phase, step, command, inv.get(), deadline, stopInterrupts);
    }

    /**
     * Launches {@code command}; when that fails, records the failure (or, with {@code -}, only notes
     * it in the journal) and returns empty.
     */
    Optional<Invocation> startOrFail(ExecCommand command, Map<String, String> extra) {
        try {
            return Optional.of(launch(command, extra));
        } catch (LaunchException e) {
            if (command.ignoreFailure()) {
                unit.note(e.getMessage() + " (ignored: '-' prefix)");
            } else {
                fail(Result.EXIT_CODE, e.getMessage(), Optional.of(new ProcessExit.Exited(e.status)));
            }
            return Optional.empty();
        }
    }

    /** Waits for a launched (or adopted) control command and judges its exit. */
    Step finish(SubState phase, int step, ExecCommand command, Invocation running, Optional<Instant> deadline,
            boolean stopInterrupts) {
        unit.update(r -> {
            r.step = step;
            r.controlSeq = running.seq;
            return null;
        });
        Wake wake = unit.await(() -> running.mainExit().isPresent(), deadline, stopInterrupts, CONTROL_SLICE);
        unit.update(r -> {
            r.controlSeq = -1;
            return null;
        });
        unit.onFilesChanged();
        switch (wake) {
            case STOP -> {
                return Step.STOPPED;
            }
            case TIMEOUT -> {
                fail(Result.TIMEOUT, phaseName(phase) + " timed out after " + describe(spec, phase) + " while "
                        + command.describe() + " was still running", Optional.empty());
                return Step.FAILED;
            }
            case DONE -> {
                ProcessExit exit = running.mainExit().orElseThrow();
                boolean ok = exit instanceof ProcessExit.Exited e
                        && (e.status() == 0 || spec.success().statuses().contains(e.status()));
                if (ok) {
                    return Step.OK;
                }
                String what = command.describe() + " " + describe(exit);
                if (command.ignoreFailure()) {
                    unit.note(what + " (ignored: '-' prefix)");
                    return Step.OK;
                }
                fail(resultOf(exit), what, Optional.of(exit));
                return Step.FAILED;
            }
            default -> throw new IllegalStateException(wake.name());
        }
    }

    /** Records the run's first failure (later ones do not replace it). */
    void fail(Result result, String reason, Optional<ProcessExit> exit) {
        unit.update(r -> {
            if (r.result == Result.SUCCESS) {
                r.result = result;
                r.status = r.status.withState(r.status.active(), r.status.sub(), r.status.since(), Optional.of(reason));
                if (exit.isPresent()) {
                    r.status = r.status.withLastExit(exit.get());
                }
            }
            return null;
        });
        unit.note(reason);
    }

    static Result resultOf(ProcessExit exit) {
        return switch (exit) {
            case ProcessExit.Exited e -> Result.EXIT_CODE;
            case ProcessExit.Killed k -> k.coreDumped() ? Result.CORE_DUMP : Result.SIGNAL;
            case ProcessExit.Unknown u -> Result.EXIT_CODE;
        };
    }

    /** {@code exited with status 1}, {@code was killed by signal KILL}, ... */
    static String describe(ProcessExit exit) {
        return switch (exit) {
            case ProcessExit.Exited e -> "exited with status " + e.status();
            case ProcessExit.Killed k -> "was killed by signal " + k.name() + (k.coreDumped() ? " (core dumped)" : "");
            case ProcessExit.Unknown u -> "ended; its exit status is unknown (it was not the shim's to collect)";
        };
    }

    private static String describe(ServiceSpec spec, SubState phase) {
        boolean start = phase.ordinal() <= SubState.START_POST.ordinal();
        Optional<Duration> d = start ? spec.timeoutStart() : spec.kill().timeout();
        return d.map(x -> dev.flotilla.unit.TimeSpan.of(x).toString()).orElse("?") + " ("
                + (start ? "TimeoutStartSec" : "TimeoutStopSec") + ")";
    }

    static String phaseName(SubState phase) {
        return switch (phase) {
            case START_PRE, START, START_POST -> "start";
            default -> "stop";
        };
    }
}
