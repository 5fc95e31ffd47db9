package dev.flotilla.runtime.exec;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import dev.flotilla.runtime.ActiveState;
import dev.flotilla.runtime.SubState;
import dev.flotilla.runtime.exec.ServiceSpec.RestartPolicy;
import dev.flotilla.runtime.exec.ServiceUnit.Wake;
import dev.flotilla.runtime.exec.UnitRecord.Result;
import dev.flotilla.unit.TimeSpan;

/**
 * {@code Restart=} for one unit: whether a finished run is restarted (systemd's table: always,
 * on-success, on-failure, on-abnormal, on-abort; never after an explicit stop), the back-off wait in
 * activating/auto-restart ({@code RestartSec=}, doubled per consecutive automatic restart, capped
 * at {@code RestartMaxDelaySec=}), and the start limit ({@code StartLimitBurst=} starts within
 * {@code StartLimitIntervalSec=}). Used by the unit's lifecycle thread only.
 */
final class AutoRestart {

    private static final Duration SLICE = Duration.ofSeconds(1);

    private final ServiceUnit unit;
    private final ServiceSpec spec;
    private final CommandRunner runner;

    AutoRestart(ServiceUnit unit, ServiceSpec spec, CommandRunner runner) {
        this.unit = unit;
        this.spec = spec;
        this.runner = runner;
    }

    /** Whether {@code Restart=} wants the run that just ended restarted. */
    boolean wanted() {
        Result result = unit.read(r -> r.result);
        RestartPolicy p = spec.restart().policy();
        return switch (result) {
            case START_LIMIT_HIT, RESOURCES -> false;
            case SUCCESS -> p == RestartPolicy.ALWAYS || p == RestartPolicy.ON_SUCCESS;
            case EXIT_CODE -> p == RestartPolicy.ALWAYS || p == RestartPolicy.ON_FAILURE;
            case SIGNAL, CORE_DUMP -> p == RestartPolicy.ALWAYS || p == RestartPolicy.ON_FAILURE
                    || p == RestartPolicy.ON_ABNORMAL || p == RestartPolicy.ON_ABORT;
            case TIMEOUT -> p == RestartPolicy.ALWAYS || p == RestartPolicy.ON_FAILURE || p == RestartPolicy.ON_ABNORMAL;
        };
    }

    /**
     * Waits in activating/auto-restart ({@code resumed}: the wait an earlier agent began); counts
     * the restart when the wait ends.
     *
     * @return false when a stop() ended the wait, or the fencing watchdog stopped the unit meanwhile
     *     (the run's result is then success)
     */
    boolean waitForRestart(boolean resumed) {
        Instant at;
        if (resumed) {
            at = unit.read(r -> r.restartAt).orElse(now());
        } else {
            int n = unit.update(r -> ++r.consecutiveRestarts);
            Duration delay = spec.restart().delayBefore(n);
            at = now().plus(delay);
            String after = unit.read(r -> r.status.reason()).orElse("the main process exited");
            String why = "restarting in " + TimeSpan.of(delay) + " (Restart=" + spec.restart().policy().name()
                    .toLowerCase(Locale.ROOT).replace('_', '-') + ") after: " + after;
            unit.update(r -> {
                r.restartAt = Optional.of(at);
                r.status = r.status.withState(ActiveState.ACTIVATING, SubState.AUTO_RESTART, now(), Optional.of(why));
                return null;
            });
            unit.note("Scheduled restart in " + TimeSpan.of(delay) + ", restart counter is at "
                    + (unit.read(r -> r.status.restarts()) + 1) + ".");
            unit.startJobDone();
        }
        Wake w = unit.await(() -> unit.fenced().isPresent(), Optional.of(at), true, SLICE);
        boolean restart = w == Wake.TIMEOUT;
        unit.update(r -> {
            r.restartAt = Optional.empty();
            r.result = Result.SUCCESS;
            if (restart) {
                r.status = r.status.withRestarts(r.status.restarts() + 1);
            }
            return null;
        });
        return restart;
    }

    /** Whether starting now would pass the start limit; if so, the run fails with start-limit-hit. */
    boolean startLimitHit() {
        int burst = spec.restart().burst();
        Duration interval = spec.restart().interval();
        if (burst <= 0 || interval.isZero()) {
            return false;
        }
        Instant cutoff = now().minus(interval);
        int recent = unit.update(r -> {
            r.starts.removeIf(t -> t.isBefore(cutoff));
            return r.starts.size();
        });
        if (recent < burst) {
            return false;
        }
        runner.fail(Result.START_LIMIT_HIT, "start request repeated too quickly: " + recent + " starts within "
                + TimeSpan.of(interval) + " (StartLimitBurst=" + burst + ", StartLimitIntervalSec=" + TimeSpan.of(interval)
                + "); start it again to reset", Optional.empty());
        return true;
    }

    private Instant now() {
        return unit.services.clock().instant();
    }
}
