package dev.flotilla.unit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What a {@code .container} unit asks the container runtime for: its {@code [Container]} section,
 * read with Podman Quadlet's key names (see {@code docs/unit-files.md} for the table). Values were
 * %-expanded for one unit on one machine. Immutable.
 *
 * @param image {@code Image=} (required): the image reference
 * @param containerName {@code ContainerName=}: the engine-side name; the runtime picks one when empty
 * @param exec {@code Exec=}: the command (arguments to the entrypoint), split with systemd quoting; empty for the image's
 * @param entrypoint {@code Entrypoint=}: replaces the image's entrypoint when not empty
 * @param environment {@code Environment=}: variables, in order of first assignment (a later one wins)
 * @param environmentFiles {@code EnvironmentFile=}: files of {@code K=V} lines read on the machine
 * @param ports {@code PublishPort=}: published ports
 * @param volumes {@code Volume=}: mounts
 * @param networks {@code Network=}: networks to join ({@code host}, {@code none}, a network name)
 * @param labels {@code Label=}: container labels
 * @param memoryBytes {@code Memory=}: memory limit in bytes
 * @param cpuShares Docker CPU shares (relative weight, default 1024), from {@code CPUShares=} as
 *     given or from {@code CPUWeight=} (systemd's 1-10000, default 100) times 10.24
 * @param health the {@code Health*} keys
 * @param pull {@code Pull=}: when to pull the image ({@link PullPolicy#MISSING} by default)
 * @param stopTimeout {@code StopTimeout=}: how long a stop waits before killing
 * @param user {@code User=}: the user (and group) to run as, {@code uid[:gid]} or names
 * @param workingDir {@code WorkingDir=}: the working directory inside the container
 * @param networkAliases {@code NetworkAlias=}: further names the container answers to on its networks
 * @param volumesFrom {@code PodmanArgs=--volumes-from=...}: containers whose volumes it mounts too
 */
public record ContainerSpec(String image, Optional<String> containerName, List<String> exec,
        List<String> entrypoint, Map<String, String> environment, List<String> environmentFiles,
        List<PortMapping> ports, List<VolumeMount> volumes, List<String> networks, Map<String, String> labels,
        OptionalLong memoryBytes, OptionalInt cpuShares, HealthCheck health, PullPolicy pull,
        Optional<TimeSpan> stopTimeout, Optional<String> user, Optional<String> workingDir,
        List<String> networkAliases, List<VolumesFrom> volumesFrom) {

    /** The section this record is read from. */
    public static final String SECTION = "Container";

    /**
     * Checks that required components are present and copies collections (maps keep their order).
     *
     * @throws IllegalArgumentException when the image is empty
     */
    public ContainerSpec {
        Objects.requireNonNull(image, "image");
        if (image.isEmpty()) {
            throw new IllegalArgumentException("a container needs an image");
        }
        Objects.requireNonNull(containerName, "containerName");
        exec = List.copyOf(exec);
        entrypoint = List.copyOf(entrypoint);
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        environmentFiles = List.copyOf(environmentFiles);
        ports = List.copyOf(ports);
        volumes = List.copyOf(volumes);
        networks = List.copyOf(networks);
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        Objects.requireNonNull(memoryBytes, "memoryBytes");
        Objects.requireNonNull(cpuShares, "cpuShares");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(pull, "pull");
        Objects.requireNonNull(stopTimeout, "stopTimeout");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(workingDir, "workingDir");
        networkAliases = List.copyOf(networkAliases);
        volumesFrom = List.copyOf(volumesFrom);
    }

    /** A spec without network aliases and shared volumes (the record's shape before they were added). */
    public ContainerSpec(String image, Optional<String> containerName, List<String> exec, List<String> entrypoint,
            Map<String, String> environment, List<String> environmentFiles, List<PortMapping> ports,
            List<VolumeMount> volumes, List<String> networks, Map<String, String> labels, OptionalLong memoryBytes,
            OptionalInt cpuShares, HealthCheck health, PullPolicy pull, Optional<TimeSpan> stopTimeout,
            Optional<String> user, Optional<String> workingDir) {
        this(image, containerName, exec, entrypoint, environment, environmentFiles, ports, volumes, networks, labels,
                memoryBytes, cpuShares, health, pull, stopTimeout, user, workingDir, List.of(), List.of());
    }

    /**
     * Reads the {@code [Container]} section of {@code file} for unit {@code unit} on the machine
     * described by {@code machine}: every value is %-expanded first ({@link Specifiers#expand}),
     * so {@code PublishPort=808%i:80} works in templates. To check a unit before it is placed, pass
     * {@link MachineFacts#placeholder()}.
     *
     * @throws UnitParseException naming the key and line: no {@code [Container]} section, no
     *     {@code Image=}, an unknown key (with a suggestion when it looks like a typo), a
     *     malformed value, {@code CPUWeight=} together with {@code CPUShares=}, or a
     *     {@code HealthStartup*} key without {@code HealthStartupCmd=}, or a {@code PodmanArgs=}
     *     argument other than {@code --volumes-from}
     */
    public static ContainerSpec parse(UnitFile file, UnitName unit, MachineFacts machine) {
        return ContainerSpecParser.parse(Objects.requireNonNull(file, "file"), Objects.requireNonNull(unit, "unit"),
                Objects.requireNonNull(machine, "machine"));
    }
}
