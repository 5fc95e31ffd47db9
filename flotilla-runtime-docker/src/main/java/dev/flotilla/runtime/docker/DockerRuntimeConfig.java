package dev.flotilla.runtime.docker;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link DockerRuntime} is opened. Immutable; build with {@link #of} and the {@code with...} methods.
 *
 * @param stateDir where the runtime keeps its unit records and journals (e.g. {@code <data-dir>/docker})
 * @param clock the source of "now" for states and the runtime's own journal lines
 * @param machineId the machine the runtime runs containers for; labels every container, network and volume it
 *     makes. When empty, the first started unit's machine facts supply it (and it is kept in the state directory)
 * @param dockerHost the engine's address: {@code unix:///var/run/docker.sock} unless {@code $DOCKER_HOST} says otherwise
 * @param engineRetry how often to try again while the engine does not answer
 * @param journalMaxBytes the bound of each unit's journal (two files of half of it)
 */
public record DockerRuntimeConfig(Path stateDir, InstantSource clock, Optional<String> machineId, String dockerHost,
        Duration engineRetry, long journalMaxBytes) {

    /** The engine's socket when {@code $DOCKER_HOST} is not set. */
    public static final String DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

    /** Checks the components and makes the directory absolute. */
    public DockerRuntimeConfig {
        stateDir = Objects.requireNonNull(stateDir, "stateDir").toAbsolutePath().normalize();
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(machineId, "machineId");
        Objects.requireNonNull(dockerHost, "dockerHost");
        if (engineRetry.isNegative() || engineRetry.isZero()) {
            throw new IllegalArgumentException("engineRetry must be positive: " + engineRetry);
        }
        if (journalMaxBytes < 4096) {
            throw new IllegalArgumentException("journalMaxBytes must be at least 4096: " + journalMaxBytes);
        }
    }

    /** Defaults: system clock, no machine ID yet, {@code $DOCKER_HOST} or the default socket, retry every 5 s, 4 MiB journals. */
    public static DockerRuntimeConfig of(Path stateDir) {
        String env = System.getenv("DOCKER_HOST");
        return new DockerRuntimeConfig(stateDir, InstantSource.system(), Optional.empty(),
                env == null || env.isBlank() ? DEFAULT_DOCKER_HOST : env, Duration.ofSeconds(5), 4L << 20);
    }

    /** A copy with another clock. */
    public DockerRuntimeConfig withClock(InstantSource newClock) {
        return new DockerRuntimeConfig(stateDir, newClock, machineId, dockerHost, engineRetry, journalMaxBytes);
    }

    /** A copy for machine {@code id}. */
    public DockerRuntimeConfig withMachineId(String id) {
        return new DockerRuntimeConfig(stateDir, clock, Optional.of(id), dockerHost, engineRetry, journalMaxBytes);
    }

    /** A copy talking to the engine at {@code host} ({@code unix:///path} or {@code tcp://host:port}). */
    public DockerRuntimeConfig withDockerHost(String host) {
        return new DockerRuntimeConfig(stateDir, clock, machineId, host, engineRetry, journalMaxBytes);
    }

    /** A copy that retries an unreachable engine every {@code interval}. */
    public DockerRuntimeConfig withEngineRetry(Duration interval) {
        return new DockerRuntimeConfig(stateDir, clock, machineId, dockerHost, interval, journalMaxBytes);
    }

    /** A copy with another journal bound. */
    public DockerRuntimeConfig withJournalMaxBytes(long bytes) {
        return new DockerRuntimeConfig(stateDir, clock, machineId, dockerHost, engineRetry, bytes);
    }
}
