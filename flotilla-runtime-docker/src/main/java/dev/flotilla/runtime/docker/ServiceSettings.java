package dev.flotilla.runtime.docker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import dev.flotilla.unit.TimeSpan;
import dev.flotilla.unit.UnitElement;
import dev.flotilla.unit.UnitFile;
import dev.flotilla.unit.ValueSyntaxException;

/**
 * The {@code [Service]} (and {@code [Unit]} start-limit) settings that keep their systemd meaning for a
 * container unit: {@code Restart=} with systemd's table, {@code RestartSec=} doubled per consecutive restart up
 * to {@code RestartMaxDelaySec=}, {@code StartLimitBurst=} in {@code StartLimitIntervalSec=}, {@code
 * TimeoutStartSec=} (pull, create, start and the startup check) and {@code TimeoutStopSec=} (when {@code
 * StopTimeout=} is not given). Every other {@code [Service]} key is listed in {@link #ignored()}. Immutable.
 *
 * @param restart the restart policy
 * @param restartDelay the first automatic restart's delay
 * @param restartMaxDelay the cap of the doubling delay
 * @param startLimitBurst starts allowed within the interval (0: no limit)
 * @param startLimitInterval the interval
 * @param startTimeout how long a start may take; empty for no limit
 * @param stopTimeout {@code TimeoutStopSec=}, when given
 * @param ignored the {@code [Service]} keys that mean nothing for a container, sorted
 */
record ServiceSettings(RestartPolicy restart, Duration restartDelay, Duration restartMaxDelay, int startLimitBurst,
        Duration startLimitInterval, Optional<Duration> startTimeout, Optional<TimeSpan> stopTimeout,
        Set<String> ignored) {

    /** systemd's {@code Restart=} values. */
    enum RestartPolicy {
        NO, ALWAYS, ON_SUCCESS, ON_FAILURE, ON_ABNORMAL, ON_ABORT;

        /** As written in unit files, e.g. {@code on-failure}. */
        String unitValue() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** How a run of the container ended, for the restart table. */
    enum Outcome {
        /** Exit status 0, or stopped cleanly. */
        SUCCESS,
        /** A non-zero exit status. */
        EXIT_CODE,
        /** Killed by a signal (including the OOM killer). */
        SIGNAL,
        /** A start or health check that timed out. */
        TIMEOUT,
        /** The run could not start at all (image, engine, create): no restart of its own. */
        RESOURCES
    }

    private static final Set<String> KNOWN = Set.of("Restart", "RestartSec", "RestartMaxDelaySec", "TimeoutStartSec",
            "TimeoutStopSec", "TimeoutSec", "StartLimitBurst", "StartLimitInterval", "StartLimitIntervalSec");
    static final Duration DEFAULT_RESTART_SEC = Duration.ofMillis(100);
    static final Duration DEFAULT_RESTART_MAX_DELAY = Duration.ofMinutes(1);

    /** Whether {@code Restart=} wants a run that ended with {@code outcome} restarted. */
    boolean restarts(Outcome outcome) {
        return switch (outcome) {
            case SUCCESS -> restart == RestartPolicy.ALWAYS || restart == RestartPolicy.ON_SUCCESS;
            case EXIT_CODE -> restart == RestartPolicy.ALWAYS || restart == RestartPolicy.ON_FAILURE;
            case SIGNAL -> restart != RestartPolicy.NO && restart != RestartPolicy.ON_SUCCESS;
            case TIMEOUT -> restart == RestartPolicy.ALWAYS || restart == RestartPolicy.ON_FAILURE
                    || restart == RestartPolicy.ON_ABNORMAL;
            case RESOURCES -> false;
        };
    }

    /** The delay before the {@code n}th consecutive automatic restart (1-based). */
    Duration delayBefore(int n) {
        Duration d = restartDelay;
        for (int i = 1; i < n && d.compareTo(restartMaxDelay) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(restartMaxDelay) > 0 ? restartMaxDelay : d;
    }

    /**
     * Reads the settings of {@code file}.
     *
     * @throws BadSettingException for a value that is not a restart policy, a time span or a number
     */
    static ServiceSettings read(UnitFile file) throws BadSettingException {
        String r = file.value("Service", "Restart").orElse("no");
        RestartPolicy policy = switch (r) {
            case "no" -> RestartPolicy.NO;
            case "always" -> RestartPolicy.ALWAYS;
            case "on-success" -> RestartPolicy.ON_SUCCESS;
            case "on-failure" -> RestartPolicy.ON_FAILURE;
            case "on-abnormal" -> RestartPolicy.ON_ABNORMAL;
            case "on-abort", "on-watchdog" -> RestartPolicy.ON_ABORT;
            default -> throw new BadSettingException("Restart=" + r + " is not a restart policy; use no, always, "
                    + "on-success, on-failure, on-abnormal or on-abort");
        };
        Duration delay = span(file, "Service", "RestartSec").map(ServiceSettings::finite).orElse(DEFAULT_RESTART_SEC);
        Duration max = span(file, "Service", "RestartMaxDelaySec").map(ServiceSettings::finite)
                .orElse(DEFAULT_RESTART_MAX_DELAY);
        if (max.compareTo(delay) < 0) {
            max = delay;
        }
        Optional<String> burstText = file.value("Unit", "StartLimitBurst").or(() -> file.value("Service", "StartLimitBurst"));
        int burst;
        try {
            burst = burstText.map(Integer::parseInt).orElse(5);
        } catch (NumberFormatException e) {
            throw new BadSettingException("StartLimitBurst=" + burstText.orElseThrow() + " is not a number");
        }
        Duration interval = Duration.ofSeconds(10);
        for (String key : List.of("StartLimitInterval", "StartLimitIntervalSec")) {
            for (String section : List.of("Service", "Unit")) {
                Optional<TimeSpan> t = span(file, section, key);
                if (t.isPresent()) {
                    interval = t.get().isInfinite() ? Duration.ofDays(36_500) : t.get().toDuration();
                }
            }
        }
        Optional<TimeSpan> both = span(file, "Service", "TimeoutSec");
        Optional<TimeSpan> start = span(file, "Service", "TimeoutStartSec");
        Optional<TimeSpan> stop = span(file, "Service", "TimeoutStopSec");
        start = start.isPresent() ? start : both;
        stop = stop.isPresent() ? stop : both;
        Optional<Duration> startTimeout = start.isEmpty() ? Optional.of(Duration.ofSeconds(90))
                : start.filter(t -> !t.isInfinite() && t.micros() > 0).map(TimeSpan::toDuration);
        Set<String> ignored = new TreeSet<>();
        for (UnitElement.Assignment a : file.assignments("Service")) {
            if (!KNOWN.contains(a.key())) {
                ignored.add(a.key());
            }
        }
        return new ServiceSettings(policy, delay, max, Math.max(0, burst), interval, startTimeout,
                stop.map(t -> t.micros() == 0 ? TimeSpan.INFINITY : t), ignored);
    }

    private static Duration finite(TimeSpan t) {
        return t.isInfinite() ? Duration.ofDays(36_500) : t.toDuration();
    }

    private static Optional<TimeSpan> span(UnitFile file, String section, String key) throws BadSettingException {
        Optional<String> v = file.value(section, key);
        if (v.isEmpty() || v.get().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(TimeSpan.parse(v.get()));
        } catch (ValueSyntaxException e) {
            throw new BadSettingException(key + "=" + v.get() + ": " + e.reason());
        }
    }

    /** The ignored keys as one journal line, or empty. */
    Optional<String> ignoredNote() {
        if (ignored.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("ignoring [Service] settings that mean nothing for a container: "
                + String.join(", ", new ArrayList<>(ignored)));
    }
}
