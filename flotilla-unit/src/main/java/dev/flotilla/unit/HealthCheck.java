package dev.flotilla.unit;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A container's health check, from Quadlet's {@code Health*} keys. Every part is optional: an
 * image may define its own check, which these keys then override. Immutable.
 *
 * @param command {@code HealthCmd=}: run through the shell in the container; {@code none} disables the image's check
 * @param interval {@code HealthInterval=}: time between checks
 * @param timeout {@code HealthTimeout=}: how long a check may take
 * @param retries {@code HealthRetries=}: consecutive failures before unhealthy
 * @param startPeriod {@code HealthStartPeriod=}: grace period after start in which failures do not count
 * @param onFailure {@code HealthOnFailure=}: what to do when the container turns unhealthy
 * @param startupCommand {@code HealthStartupCmd=}: a check run until it first succeeds
 * @param startupInterval {@code HealthStartupInterval=}: time between startup checks
 * @param startupTimeout {@code HealthStartupTimeout=}: how long a startup check may take
 * @param startupRetries {@code HealthStartupRetries=}: startup failures tolerated before restart
 * @param startupSuccess {@code HealthStartupSuccess=}: successes needed before the regular check takes over
 */
public record HealthCheck(Optional<String> command, Optional<TimeSpan> interval, Optional<TimeSpan> timeout,
        OptionalInt retries, Optional<TimeSpan> startPeriod, Optional<OnFailure> onFailure,
        Optional<String> startupCommand, Optional<TimeSpan> startupInterval, Optional<TimeSpan> startupTimeout,
        OptionalInt startupRetries, OptionalInt startupSuccess) {

    /** No health keys at all. */
    public static final HealthCheck NONE = new HealthCheck(Optional.empty(), Optional.empty(), Optional.empty(),
            OptionalInt.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), OptionalInt.empty(), OptionalInt.empty());

    /** {@code HealthOnFailure=} actions. */
    public enum OnFailure {
        /** Only mark the container unhealthy. */
        NONE,
        /** Kill the container. */
        KILL,
        /** Restart the container. */
        RESTART,
        /** Stop the container. */
        STOP;

        /**
         * The action named {@code value} (case-insensitive).
         *
         * @throws ValueSyntaxException for any other value
         */
        public static OnFailure parse(String value) {
            for (OnFailure f : values()) {
                if (f.name().equalsIgnoreCase(value)) {
                    return f;
                }
            }
            throw new ValueSyntaxException(0, "expected none, kill, restart or stop, got " + Text.quote(value));
        }

        /** The lowercase name, as written in unit files. */
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Checks that no component is null. */
    public HealthCheck {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(retries, "retries");
        Objects.requireNonNull(startPeriod, "startPeriod");
        Objects.requireNonNull(onFailure, "onFailure");
        Objects.requireNonNull(startupCommand, "startupCommand");
        Objects.requireNonNull(startupInterval, "startupInterval");
        Objects.requireNonNull(startupTimeout, "startupTimeout");
        Objects.requireNonNull(startupRetries, "startupRetries");
        Objects.requireNonNull(startupSuccess, "startupSuccess");
    }

    /** Whether any health key was given. */
    public boolean isConfigured() {
        return !equals(NONE);
    }
}
