package dev.flotilla.runtime.exec;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.flotilla.runtime.ProcessExit;
import dev.flotilla.unit.ContentHash;
import dev.flotilla.unit.UnitName;

/**
 * A {@code .service} unit's {@code [Service]} settings as the exec runtime runs them, read by
 * {@link ServiceSpecParser} for one machine (specifiers expanded). Immutable.
 *
 * @param unit the unit
 * @param hash the content hash of the definition
 * @param type {@code Type=}
 * @param remainAfterExit {@code RemainAfterExit=}
 * @param pidFile {@code PIDFile=} (forking services)
 * @param commands the {@code Exec*=} lines
 * @param restart {@code Restart=} and friends
 * @param kill how to stop: {@code KillSignal=}, {@code KillMode=}, timeouts
 * @param timeoutStart {@code TimeoutStartSec=}; empty is infinity
 * @param success {@code SuccessExitStatus=}
 * @param context environment, directory and user of every command
 * @param resources {@code MemoryMax=}/{@code CPUWeight=} and their old names
 * @param notes what the runtime ignores in this unit, one line each, for the journal
 */
record ServiceSpec(UnitName unit, ContentHash hash, ServiceType type, boolean remainAfterExit, Optional<String> pidFile,
        Commands commands, RestartSettings restart, KillSettings kill, Optional<Duration> timeoutStart,
        SuccessExit success, ExecContext context, ResourceSettings resources, List<String> notes) {

    ServiceSpec {
        notes = List.copyOf(notes);
    }

    /** {@code Type=}: the ones the exec runtime supports. */
    enum ServiceType { SIMPLE, FORKING, ONESHOT }

    /** {@code Restart=}. */
    enum RestartPolicy { NO, ALWAYS, ON_SUCCESS, ON_FAILURE, ON_ABNORMAL, ON_ABORT }

    /** {@code KillMode=}: {@code control-group} (every process), {@code mixed}, {@code process} (main only). */
    enum KillMode { CONTROL_GROUP, MIXED, PROCESS }

    /** The command lists, each in file order. */
    record Commands(List<ExecCommand> startPre, List<ExecCommand> start, List<ExecCommand> startPost,
            List<ExecCommand> stop, List<ExecCommand> stopPost) {
        Commands {
            startPre = List.copyOf(startPre);
            start = List.copyOf(start);
            startPost = List.copyOf(startPost);
            stop = List.copyOf(stop);
            stopPost = List.copyOf(stopPost);
        }
    }

    /**
     * When and how fast to restart.
     *
     * @param policy {@code Restart=}
     * @param delay {@code RestartSec=}: the first delay; each consecutive automatic restart doubles it
     * @param maxDelay {@code RestartMaxDelaySec=}: the cap of the doubling
     * @param burst {@code StartLimitBurst=}
     * @param interval {@code StartLimitIntervalSec=}; zero disables the start limit
     */
    record RestartSettings(RestartPolicy policy, Duration delay, Duration maxDelay, int burst, Duration interval) {

        /** The delay before automatic restart number {@code n} (1-based) of a crash loop. */
        Duration delayBefore(int n) {
            Duration d = delay;
            for (int i = 1; i < n && d.compareTo(maxDelay) < 0; i++) {
                d = d.multipliedBy(2);
            }
            return d.compareTo(maxDelay) > 0 ? maxDelay : d;
        }
    }

    /**
     * How to stop.
     *
     * @param signal {@code KillSignal=}
     * @param finalSignal {@code FinalKillSignal=}
     * @param sendSigkill {@code SendSIGKILL=}
     * @param mode {@code KillMode=}
     * @param timeout {@code TimeoutStopSec=}; empty is infinity
     */
    record KillSettings(int signal, int finalSignal, boolean sendSigkill, KillMode mode, Optional<Duration> timeout) {}

    /** {@code SuccessExitStatus=}: exit statuses and signals that count as success besides the defaults. */
    record SuccessExit(Set<Integer> statuses, Set<Integer> signals) {
        SuccessExit {
            statuses = Set.copyOf(statuses);
            signals = Set.copyOf(signals);
        }

        /** Whether {@code exit} counts as success. */
        boolean isSuccess(ProcessExit exit) {
            return switch (exit) {
                case ProcessExit.Exited e -> e.status() == 0 || statuses.contains(e.status());
                case ProcessExit.Killed k -> k.clean() || signals.contains(k.signal());
                case ProcessExit.Unknown u -> false;
            };
        }
    }

    /**
     * Where and as whom commands run.
     *
     * @param environment {@code Environment=} assignments in order ({@code KEY=VALUE})
     * @param environmentFiles {@code EnvironmentFile=} paths; {@code optional} for the {@code -} prefix
     * @param workingDirectory {@code WorkingDirectory=}; {@code ~} is the user's home
     * @param workingDirectoryOptional the {@code -} prefix of {@code WorkingDirectory=}
     * @param user {@code User=}
     * @param group {@code Group=}
     */
    record ExecContext(List<String> environment, List<EnvFileRef> environmentFiles, Optional<String> workingDirectory,
            boolean workingDirectoryOptional, Optional<String> user, Optional<String> group) {
        ExecContext {
            environment = List.copyOf(environment);
            environmentFiles = List.copyOf(environmentFiles);
        }
    }

    /** One {@code EnvironmentFile=}: its absolute path, and whether a missing file is fine. */
    record EnvFileRef(String path, boolean optional) {}

    /**
     * One resource setting.
     *
     * @param key the key as written, e.g. {@code MemoryMax} or {@code CPUShares}
     * @param value the value as written, e.g. {@code 64M}
     * @param amount bytes for memory; the CPU weight (1..10000) for CPU, {@code CPUShares=} converted
     *     as shares * 100 / 1024
     */
    record Limit(String key, String value, long amount) {}

    /** Resource settings; empty when not set (or set to infinity). */
    record ResourceSettings(Optional<Limit> memory, Optional<Limit> cpu) {

        /** Whether any limit was asked for. */
        boolean any() {
            return memory.isPresent() || cpu.isPresent();
        }
    }
}
