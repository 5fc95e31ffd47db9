package dev.flotilla.runtime.docker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.PropagationMode;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.SELContext;
import com.github.dockerjava.api.model.Volume;

import dev.flotilla.runtime.StartRequest;
import dev.flotilla.unit.ContainerSpec;
import dev.flotilla.unit.MachineFacts;
import dev.flotilla.unit.PortMapping;
import dev.flotilla.unit.TimeSpan;
import dev.flotilla.unit.UnitFile;
import dev.flotilla.unit.UnitName;
import dev.flotilla.unit.UnitParseException;
import dev.flotilla.unit.VolumeMount;
import dev.flotilla.unit.VolumesFrom;

/**
 * What the engine is asked to create for one start of a container unit, derived from its {@code [Container]}
 * section, its {@code [Service]} settings and the machine's facts, with every refusal decided before anything
 * is created (see docs/docker-runtime.md for the keys). Pure but for reading {@code EnvironmentFile=}s.
 * Immutable.
 */
final class ContainerPlan {

    /** Labels every container, network and volume the runtime creates carries. */
    static final String LABEL_UNIT = "dev.flotilla.unit";
    static final String LABEL_MACHINE = "dev.flotilla.machine";
    static final String LABEL_HASH = "dev.flotilla.hash";
    static final String LABEL_STATE_DIR = "dev.flotilla.state-dir";

    /** Docker's and Podman's stop timeout when neither {@code StopTimeout=} nor {@code TimeoutStopSec=} says. */
    static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

    private static final Set<String> SPECIAL_NETWORKS = Set.of("host", "none");
    private static final Pattern NAME_CHAR = Pattern.compile("[^A-Za-z0-9_.-]");

    final UnitName unit;
    final ContainerSpec spec;
    final ServiceSettings service;
    final String name;
    final Map<String, String> labels;
    final List<String> env;
    final List<String> networks;
    final Duration stopTimeout;
    final List<String> notes;
    /** {@code Memory=} as written (the last value), for limit reports. */
    final Optional<String> memoryText;
    /** {@code CPUWeight=N} or {@code CPUShares=N} as written, for limit reports. */
    final Optional<Map.Entry<String, String>> cpuText;
    private final MachineFacts machine;
    private final String stateDir;

    private ContainerPlan(UnitName unit, UnitFile file, ContainerSpec spec, ServiceSettings service,
            MachineFacts machine, String stateDir, List<String> env, List<String> notes) throws BadSettingException {
        this.unit = unit;
        this.spec = spec;
        this.service = service;
        this.machine = machine;
        this.stateDir = stateDir;
        this.name = spec.containerName().orElse(defaultName(unit));
        this.env = List.copyOf(env);
        this.notes = List.copyOf(notes);
        this.networks = spec.networks().stream().map(n -> n.endsWith(".network") ? n.substring(0, n.length() - 8) : n)
                .toList();
        this.stopTimeout = spec.stopTimeout().or(service::stopTimeout)
                .map(t -> t.isInfinite() ? Duration.ofSeconds(Integer.MAX_VALUE) : t.toDuration())
                .orElse(DEFAULT_STOP_TIMEOUT);
        Map<String, String> l = new LinkedHashMap<>(spec.labels());
        l.putAll(ownLabels(unit, machine.machineId(), stateDir));
        l.put(LABEL_HASH, file.hash().hex());
        this.labels = Map.copyOf(l);
        this.memoryText = spec.memoryBytes().isPresent() ? file.value(ContainerSpec.SECTION, "Memory") : Optional.empty();
        Optional<String> weight = file.value(ContainerSpec.SECTION, "CPUWeight").filter(v -> !v.isEmpty());
        this.cpuText = spec.cpuShares().isEmpty() ? Optional.empty() : Optional.of(weight.isPresent()
                ? Map.entry("CPUWeight", weight.get()) : Map.entry("CPUShares", Integer.toString(spec.cpuShares().getAsInt())));
        check();
    }

    /** The labels that make a container, network or volume this runtime's. */
    static Map<String, String> ownLabels(UnitName unit, String machineId, String stateDir) {
        Map<String, String> l = new LinkedHashMap<>();
        if (unit != null) {
            l.put(LABEL_UNIT, unit.name());
        }
        l.put(LABEL_MACHINE, machineId);
        l.put(LABEL_STATE_DIR, stateDir);
        return l;
    }

    /**
     * The plan for {@code request} on this runtime (whose state directory labels what it creates).
     *
     * @throws BadSettingException when the unit asks for something the runtime refuses, or a required
     *     {@code EnvironmentFile=} is missing
     */
    static ContainerPlan of(StartRequest request, String stateDir) throws BadSettingException {
        UnitName unit = request.definition().name();
        ContainerSpec spec;
        try {
            spec = ContainerSpec.parse(request.definition().file(), unit, request.machine());
        } catch (UnitParseException e) {
            throw new BadSettingException(e.getMessage());
        }
        ServiceSettings service = ServiceSettings.read(request.definition().file());
        List<String> notes = new ArrayList<>();
        service.ignoredNote().ifPresent(notes::add);
        Map<String, String> env = new LinkedHashMap<>(request.environment());
        for (String file : spec.environmentFiles()) {
            boolean optional = file.startsWith("-");
            Path path = Path.of(optional ? file.substring(1) : file);
            try {
                env.putAll(EnvironmentFiles.parse(Files.readString(path)));
            } catch (NoSuchFileException e) {
                if (optional || path.equals(Path.of("/etc/environment"))) {
                    notes.add("EnvironmentFile=" + file + " skipped: " + path + " does not exist");
                } else {
                    throw new BadSettingException("EnvironmentFile=" + file + ": " + path + " does not exist on this "
                            + "machine; create it, or write EnvironmentFile=-" + path + " to go on without it");
                }
            } catch (IOException e) {
                throw new BadSettingException("EnvironmentFile=" + file + ": cannot read " + path + ": " + e.getMessage());
            }
        }
        env.putAll(facts(request.machine(), unit));
        env.putAll(spec.environment());
        List<String> pairs = env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        return new ContainerPlan(unit, request.definition().file(), spec, service, request.machine(), stateDir, pairs,
                notes);
    }

    /** The machine's facts as every unit sees them (docs/exec-runtime.md, "Environment"). */
    static Map<String, String> facts(MachineFacts machine, UnitName unit) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("FLOTILLA_MACHINE_ID", machine.machineId());
        machine.publicIp().ifPresent(ip -> {
            f.put("FLOTILLA_PUBLIC_IP", ip);
            f.put("COREOS_PUBLIC_IPV4", ip);
        });
        machine.privateIp().or(machine::publicIp).ifPresent(ip -> {
            f.put("FLOTILLA_PRIVATE_IP", ip);
            f.put("COREOS_PRIVATE_IPV4", ip);
        });
        f.put("FLOTILLA_UNIT", unit.name());
        return f;
    }

    /**
     * The container name a unit gets without {@code ContainerName=}: its name without the type, {@code @}
     * turned into {@code -}: {@code web@01.container} runs as {@code web-01}, {@code db.container} as {@code
     * db}, the names the seed's units give their containers.
     */
    static String defaultName(UnitName unit) {
        String base = NAME_CHAR.matcher(unit.nameWithoutType().replace('@', '-')).replaceAll("_");
        if (base.length() < 2 || !Character.isLetterOrDigit(base.charAt(0))) {
            base = "flotilla-" + base;
        }
        return base;
    }

    private void check() throws BadSettingException {
        boolean special = networks.stream().anyMatch(n -> SPECIAL_NETWORKS.contains(n) || n.startsWith("container:"));
        if (special && networks.size() > 1) {
            throw new BadSettingException("Network=" + String.join(", Network=", networks) + ": host, none and "
                    + "container:NAME take the container's whole network; they cannot be combined with other networks");
        }
        if (special && !spec.ports().isEmpty()) {
            throw new BadSettingException("PublishPort= needs a bridge network, not Network=" + networks.getFirst()
                    + " (with host networking the container's ports are the machine's: remove PublishPort=)");
        }
        if (!spec.networkAliases().isEmpty() && (networks.isEmpty() || special || networks.contains("bridge"))) {
            throw new BadSettingException("NetworkAlias= needs a named network (Network=NAME): Docker's default "
                    + "bridge has no names for its containers");
        }
        for (VolumeMount v : spec.volumes()) {
            for (String o : v.options()) {
                if (o.equals("nocopy") && v.kind() != VolumeMount.Kind.NAMED) {
                    throw new BadSettingException("Volume=" + v + ": nocopy applies to named volumes only");
                }
                if (!Set.of("ro", "rw", "z", "Z", "nocopy", "copy", "bind", "rbind", "shared", "rshared", "slave",
                        "rslave", "private", "rprivate").contains(o)) {
                    throw new BadSettingException("Volume=" + v + ": option " + o + " is Podman's; Docker has no such "
                            + "mount option (supported: ro rw z Z nocopy copy bind rbind and the propagation modes)");
                }
            }
        }
        if (spec.health().command().filter("none"::equals).isPresent() && spec.health().onFailure().isPresent()) {
            throw new BadSettingException("HealthOnFailure= needs a health check, but HealthCmd=none turns it off");
        }
    }

    /** Fills {@code create} with everything but the image (already set) and the name. */
    CreateContainerCmd apply(CreateContainerCmd create, Optional<String> publicIp) {
        create.withName(name).withLabels(labels).withEnv(env);
        if (!spec.exec().isEmpty()) {
            create.withCmd(spec.exec());
        }
        if (!spec.entrypoint().isEmpty()) {
            create.withEntrypoint(spec.entrypoint());
        }
        spec.user().ifPresent(create::withUser);
        spec.workingDir().ifPresent(create::withWorkingDir);
        create.withStopTimeout((int) Math.min(Integer.MAX_VALUE, stopTimeout.toSeconds()));
        healthCheck().ifPresent(create::withHealthcheck);

        List<ExposedPort> exposed = new ArrayList<>();
        Ports ports = new Ports();
        for (PortMapping p : spec.ports()) {
            ExposedPort port = new ExposedPort(p.containerPort(), switch (p.protocol()) {
                case TCP -> InternetProtocol.TCP;
                case UDP -> InternetProtocol.UDP;
                case SCTP -> InternetProtocol.SCTP;
            });
            exposed.add(port);
            String ip = p.hostIp().isEmpty() ? publicIp.orElse("") : p.hostIp();
            ports.bind(port, p.hostPort() == 0 ? Ports.Binding.bindIp(ip) : Ports.Binding.bindIpAndPort(ip, p.hostPort()));
        }
        if (!exposed.isEmpty()) {
            create.withExposedPorts(exposed);
        }
        List<Bind> binds = new ArrayList<>();
        List<Volume> anonymous = new ArrayList<>();
        for (VolumeMount v : spec.volumes()) {
            switch (v.kind()) {
                case ANONYMOUS -> anonymous.add(new Volume(v.target()));
                case BIND, NAMED -> binds.add(bind(v));
            }
        }
        if (!anonymous.isEmpty()) {
            create.withVolumes(anonymous);
        }
        HostConfig host = HostConfig.newHostConfig()
                // An init as PID 1 forwards SIGTERM and reaps orphans: a shell or busybox as PID 1 would ignore
                // the stop signal, and every stop would wait out the timeout.
                .withInit(true)
                .withRestartPolicy(RestartPolicy.noRestart())
                .withLogConfig(new LogConfig(LogConfig.LoggingType.JSON_FILE, Map.of("max-size", "10m", "max-file", "2")))
                .withPortBindings(ports)
                .withBinds(binds);
        if (!spec.volumesFrom().isEmpty()) {
            host.withVolumesFrom(spec.volumesFrom().stream().map(f -> new com.github.dockerjava.api.model.VolumesFrom(
                    f.container(), f.readOnly() ? AccessMode.ro : AccessMode.rw)).toList());
        }
        spec.memoryBytes().ifPresent(m -> host.withMemory(m).withMemorySwap(m));
        spec.cpuShares().ifPresent(host::withCpuShares);
        if (!networks.isEmpty()) {
            host.withNetworkMode(networks.getFirst());
            if (!spec.networkAliases().isEmpty()) {
                create.withAliases(spec.networkAliases());
            }
        }
        return create.withHostConfig(host);
    }

    private static Bind bind(VolumeMount v) {
        String source = v.kind() == VolumeMount.Kind.NAMED ? volumeName(v.source()) : v.source();
        AccessMode access = v.options().contains("ro") ? AccessMode.ro : AccessMode.rw;
        SELContext sel = v.options().contains("Z") ? SELContext.single
                : v.options().contains("z") ? SELContext.shared : SELContext.none;
        PropagationMode propagation = PropagationMode.DEFAULT_MODE;
        for (String o : v.options()) {
            switch (o) {
                case "shared" -> propagation = PropagationMode.SHARED;
                case "rshared" -> propagation = PropagationMode.RSHARED;
                case "slave" -> propagation = PropagationMode.SLAVE;
                case "rslave" -> propagation = PropagationMode.RSLAVE;
                case "private" -> propagation = PropagationMode.PRIVATE;
                case "rprivate" -> propagation = PropagationMode.RPRIVATE;
                default -> { }
            }
        }
        // docker-java writes "nocopy" for any non-null flag: null unless asked for
        return new Bind(source, new Volume(v.target()), access, sel, v.options().contains("nocopy") ? Boolean.TRUE : null,
                propagation);
    }

    /** A named volume's engine name: Quadlet's {@code NAME.volume} form means volume {@code NAME}. */
    static String volumeName(String source) {
        return source.endsWith(".volume") ? source.substring(0, source.length() - 7) : source;
    }

    /** The named volumes the container mounts, which the runtime creates (labelled) when missing. */
    Set<String> namedVolumes() {
        Set<String> out = new LinkedHashSet<>();
        spec.volumes().stream().filter(v -> v.kind() == VolumeMount.Kind.NAMED).forEach(v -> out.add(volumeName(v.source())));
        return out;
    }

    /** The user-defined networks the container joins, which the runtime creates (labelled) when missing. */
    List<String> userNetworks() {
        return networks.stream().filter(n -> !SPECIAL_NETWORKS.contains(n) && !n.equals("bridge")
                && !n.startsWith("container:")).toList();
    }

    /** The labels for a network or volume this plan makes the runtime create. */
    Map<String, String> resourceLabels() {
        return ownLabels(null, machine.machineId(), stateDir);
    }

    private Optional<HealthCheck> healthCheck() {
        dev.flotilla.unit.HealthCheck h = spec.health();
        if (h.command().isEmpty() && h.interval().isEmpty() && h.timeout().isEmpty() && h.retries().isEmpty()
                && h.startPeriod().isEmpty()) {
            return Optional.empty();
        }
        HealthCheck check = new HealthCheck();
        h.command().ifPresent(c -> check.withTest(c.equals("none") ? List.of("NONE") : List.of("CMD-SHELL", c)));
        h.interval().ifPresent(t -> check.withInterval(nanos(t)));
        h.timeout().ifPresent(t -> check.withTimeout(nanos(t)));
        h.startPeriod().ifPresent(t -> check.withStartPeriod(nanos(t)));
        h.retries().ifPresent(check::withRetries);
        return Optional.of(check);
    }

    private static long nanos(TimeSpan t) {
        return t.isInfinite() ? Long.MAX_VALUE : Math.multiplyExact(t.micros(), 1000L);
    }

    /** The shared volumes' containers, for the details. */
    List<VolumesFrom> volumesFrom() {
        return spec.volumesFrom();
    }
}
