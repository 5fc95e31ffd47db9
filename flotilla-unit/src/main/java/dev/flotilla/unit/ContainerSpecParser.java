package dev.flotilla.unit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads {@code [Container]}: entries in order (last wins, {@code Key=} resets), then cross-key checks. */
final class ContainerSpecParser {

    /** Every key Flotilla reads from {@code [Container]}. */
    static final Set<String> SUPPORTED = Set.of("Image", "Exec", "Entrypoint", "ContainerName", "Environment",
            "EnvironmentFile", "PublishPort", "Volume", "Network", "Memory", "CPUWeight", "CPUShares", "HealthCmd",
            "HealthInterval", "HealthTimeout", "HealthRetries", "HealthStartPeriod", "HealthOnFailure",
            "HealthStartupCmd", "HealthStartupInterval", "HealthStartupTimeout", "HealthStartupRetries",
            "HealthStartupSuccess", "Pull", "Label", "StopTimeout", "User", "WorkingDir", "NetworkAlias", "PodmanArgs");

    /** Quadlet keys Flotilla knows but does not implement: refused with a clearer message than a typo. */
    static final Set<String> QUADLET_UNSUPPORTED = Set.of("AddCapability", "AddDevice", "AddHost", "Annotation",
            "AutoUpdate", "CgroupsMode", "DNS", "DNSOption", "DNSSearch", "DropCapability", "EnvironmentHost",
            "ExposeHostPort", "GIDMap", "GlobalArgs", "Group", "GroupAdd", "HealthLogDestination",
            "HealthMaxLogCount", "HealthMaxLogSize", "HostName", "IP", "IP6", "LogDriver", "LogOpt", "Mask", "Mount",
            "NoNewPrivileges", "Notify", "PidsLimit", "Pod", "ReadOnly",
            "ReadOnlyTmpfs", "ReloadCmd", "ReloadSignal", "Retry", "RetryDelay", "Rootfs", "RunInit",
            "SeccompProfile", "Secret", "SecurityLabelDisable", "SecurityLabelFileType", "SecurityLabelLevel",
            "SecurityLabelNested", "SecurityLabelType", "ShmSize", "StartWithPod", "StopSignal", "SubGIDMap",
            "SubUIDMap", "Sysctl", "Timezone", "Tmpfs", "UIDMap", "Ulimit", "Unmask", "UserNS");

    private static final Pattern CONTAINER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]+");
    private static final Pattern NO_SPACE = Pattern.compile("[^\\s\\p{Cntrl}]+");

    private final UnitFile file;
    private final Map<String, UnitElement.Assignment> setBy = new LinkedHashMap<>();
    private final Map<String, Object> single = new LinkedHashMap<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final List<String> environmentFiles = new ArrayList<>();
    private final List<PortMapping> ports = new ArrayList<>();
    private final List<VolumeMount> volumes = new ArrayList<>();
    private final List<String> networks = new ArrayList<>();
    private final List<String> networkAliases = new ArrayList<>();
    private final List<VolumesFrom> volumesFrom = new ArrayList<>();

    private ContainerSpecParser(UnitFile file) {
        this.file = file;
    }

    static ContainerSpec parse(UnitFile file, UnitName unit, MachineFacts machine) {
        ContainerSpecParser p = new ContainerSpecParser(file);
        List<UnitElement.Assignment> entries = file.assignments(ContainerSpec.SECTION);
        if (!file.sections().contains(ContainerSpec.SECTION)) {
            throw new UnitParseException(file.source(), 1, 1, "a container unit needs a [Container] section with "
                    + "at least Image=");
        }
        for (UnitElement.Assignment a : entries) {
            p.apply(a, unit, machine);
        }
        return p.build();
    }

    private void apply(UnitElement.Assignment a, UnitName unit, MachineFacts machine) {
        String key = a.key();
        if (!SUPPORTED.contains(key)) {
            int[] pos = Lines.keyPosition(a);
            String reason = QUADLET_UNSUPPORTED.contains(key)
                    ? "Quadlet key " + key + " is not supported by Flotilla's [Container] units"
                    : "unknown key " + key + " in [Container]";
            String hint = Text.suggest(key, SUPPORTED);
            if (hint != null && !QUADLET_UNSUPPORTED.contains(key)) {
                reason += " (did you mean " + hint + "?)";
            }
            throw new UnitParseException(file.source(), pos[0], pos[1], reason + "; supported: "
                    + String.join(" ", SUPPORTED.stream().sorted().toList()));
        }
        String value;
        try {
            value = Specifiers.expand(a.value(), unit, machine);
        } catch (SpecifierException e) {
            throw error(a, e.offset(), key + ": " + e.reason());
        }
        try {
            read(key, value);
        } catch (ValueSyntaxException e) {
            throw error(a, value.equals(a.value()) ? e.offset() : 0, key + ": " + e.reason());
        } catch (IllegalArgumentException e) {
            throw error(a, 0, key + ": " + e.getMessage());
        }
        if (value.isEmpty()) {
            setBy.remove(key);
        } else {
            setBy.put(key, a);
        }
    }

    private void read(String key, String value) {
        if (value.isEmpty()) {
            single.remove(key);
            switch (key) {
                case "Environment" -> environment.clear();
                case "Label" -> labels.clear();
                case "EnvironmentFile" -> environmentFiles.clear();
                case "PublishPort" -> ports.clear();
                case "Volume" -> volumes.clear();
                case "Network" -> networks.clear();
                case "NetworkAlias" -> networkAliases.clear();
                case "PodmanArgs" -> volumesFrom.clear();
                default -> { }
            }
            return;
        }
        switch (key) {
            case "Image", "User", "Network", "NetworkAlias" -> {
                word(value);
                switch (key) {
                    case "Network" -> networks.add(value);
                    case "NetworkAlias" -> networkAliases.add(value);
                    default -> single.put(key, value);
                }
            }
            case "PodmanArgs" -> podmanArgs(value);
            case "ContainerName" -> {
                if (!CONTAINER_NAME.matcher(value).matches()) {
                    throw new ValueSyntaxException(0, "a container name is 2 or more of [A-Za-z0-9_.-], starting "
                            + "with a letter or digit; got " + Text.quote(value));
                }
                single.put(key, value);
            }
            case "Exec" -> single.put(key, SystemdQuoting.split(value));
            case "Entrypoint" -> {
                if (value.startsWith("[")) {
                    throw new ValueSyntaxException(0, "the JSON-array form is not supported; write the words "
                            + "with systemd quoting, e.g. Entrypoint=/bin/sh -c");
                }
                single.put(key, SystemdQuoting.split(value));
            }
            case "Environment" -> pairs(value, environment);
            case "Label" -> pairs(value, labels);
            case "EnvironmentFile", "WorkingDir" -> {
                String path = key.equals("EnvironmentFile") && value.startsWith("-") ? value.substring(1) : value;
                if (!path.startsWith("/")) {
                    throw new ValueSyntaxException(0, "expected an absolute path, got " + Text.quote(value));
                }
                if (key.equals("WorkingDir")) {
                    single.put(key, value);
                } else {
                    environmentFiles.add(value);
                }
            }
            case "PublishPort" -> ports.add(PortMapping.parse(value));
            case "Volume" -> volumes.add(VolumeMount.parse(value));
            case "Memory" -> single.put(key, ByteSize.parse(value));
            case "CPUWeight" -> single.put(key, integer(value, 1, 10_000));
            case "CPUShares" -> single.put(key, integer(value, 2, 262_144));
            case "HealthRetries", "HealthStartupRetries", "HealthStartupSuccess" ->
                    single.put(key, integer(value, 0, Integer.MAX_VALUE));
            case "HealthInterval", "HealthTimeout", "HealthStartPeriod", "HealthStartupInterval",
                    "HealthStartupTimeout", "StopTimeout" -> single.put(key, TimeSpan.parse(value));
            case "HealthOnFailure" -> single.put(key, HealthCheck.OnFailure.parse(value));
            case "Pull" -> single.put(key, PullPolicy.parse(value));
            case "HealthCmd", "HealthStartupCmd" -> single.put(key, value);
            default -> throw new AssertionError(key);
        }
    }

    private ContainerSpec build() {
        if (!single.containsKey("Image")) {
            int line = file.elements().stream().filter(e -> e instanceof UnitElement.SectionHeader h
                    && h.name().equals(ContainerSpec.SECTION)).findFirst().orElseThrow().line();
            throw new UnitParseException(file.source(), line, 1, "[Container] has no Image=; add e.g. "
                    + "Image=docker.io/library/nginx:1.27");
        }
        if (single.containsKey("CPUWeight") && single.containsKey("CPUShares")) {
            UnitElement.Assignment a = setBy.get("CPUShares");
            throw at(a.line() > setBy.get("CPUWeight").line() ? a : setBy.get("CPUWeight"),
                    "CPUWeight and CPUShares set the same thing; use one (CPUWeight=1-10000, default 100)");
        }
        for (String k : List.of("HealthStartupInterval", "HealthStartupTimeout", "HealthStartupRetries",
                "HealthStartupSuccess")) {
            if (single.containsKey(k) && !single.containsKey("HealthStartupCmd")) {
                throw at(setBy.get(k), k + " needs HealthStartupCmd= (the startup check it configures)");
            }
        }
        OptionalInt shares = single.containsKey("CPUShares") ? OptionalInt.of((Integer) single.get("CPUShares"))
                : single.containsKey("CPUWeight") ? OptionalInt.of(Math.max(2, (Integer) single.get("CPUWeight") * 1024 / 100))
                : OptionalInt.empty();
        HealthCheck health = new HealthCheck(opt("HealthCmd"), opt("HealthInterval"), opt("HealthTimeout"),
                optInt("HealthRetries"), opt("HealthStartPeriod"), opt("HealthOnFailure"), opt("HealthStartupCmd"),
                opt("HealthStartupInterval"), opt("HealthStartupTimeout"), optInt("HealthStartupRetries"),
                optInt("HealthStartupSuccess"));
        return new ContainerSpec((String) single.get("Image"), opt("ContainerName"), list("Exec"), list("Entrypoint"),
                environment, environmentFiles, ports, volumes, networks, labels,
                single.containsKey("Memory") ? OptionalLong.of((Long) single.get("Memory")) : OptionalLong.empty(),
                shares, health, single.containsKey("Pull") ? (PullPolicy) single.get("Pull") : PullPolicy.MISSING,
                opt("StopTimeout"), opt("User"), opt("WorkingDir"), networkAliases, volumesFrom);
    }

    @SuppressWarnings("unchecked")
    private <T> Optional<T> opt(String key) {
        return Optional.ofNullable((T) single.get(key));
    }

    private OptionalInt optInt(String key) {
        return single.containsKey(key) ? OptionalInt.of((Integer) single.get(key)) : OptionalInt.empty();
    }

    @SuppressWarnings("unchecked")
    private List<String> list(String key) {
        return single.containsKey(key) ? (List<String>) single.get(key) : List.of();
    }

    /**
     * {@code PodmanArgs=}: only {@code --volumes-from=C[:ro|rw]} (or {@code --volumes-from C}), the one podman
     * argument the tutorial needs that Quadlet has no key for; anything else would run differently under
     * Flotilla than under Podman, so it is refused.
     */
    private void podmanArgs(String value) {
        List<SystemdQuoting.Word> words = SystemdQuoting.splitWithOffsets(value);
        for (int i = 0; i < words.size(); i++) {
            SystemdQuoting.Word w = words.get(i);
            String arg = w.text();
            if (arg.startsWith("--volumes-from=")) {
                volumesFrom.add(shifted(w.offset() + "--volumes-from=".length(),
                        () -> VolumesFrom.parse(arg.substring("--volumes-from=".length()))));
            } else if (arg.equals("--volumes-from") && i + 1 < words.size()) {
                SystemdQuoting.Word next = words.get(++i);
                volumesFrom.add(shifted(next.offset(), () -> VolumesFrom.parse(next.text())));
            } else {
                throw new ValueSyntaxException(w.offset(), "only --volumes-from=CONTAINER[:ro|rw] is supported in "
                        + "PodmanArgs= (Flotilla runs containers on Docker, not Podman), got " + Text.quote(arg));
            }
        }
    }

    private static <T> T shifted(int offset, java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (ValueSyntaxException e) {
            throw new ValueSyntaxException(offset + e.offset(), e.reason());
        }
    }

    private static void word(String value) {
        if (!NO_SPACE.matcher(value).matches()) {
            throw new ValueSyntaxException(0, "expected one word without spaces, got " + Text.quote(value));
        }
    }

    private static int integer(String value, int min, int max) {
        if (!value.chars().allMatch(c -> c >= '0' && c <= '9') || value.length() > 10
                || Long.parseLong(value) < min || Long.parseLong(value) > max) {
            throw new ValueSyntaxException(0, "expected a whole number " + min + "-" + max + ", got " + Text.quote(value));
        }
        return Integer.parseInt(value);
    }

    /** {@code K=V} words with systemd quoting, into {@code into} (a later key wins). */
    private static void pairs(String value, Map<String, String> into) {
        for (SystemdQuoting.Word w : SystemdQuoting.splitWithOffsets(value)) {
            int eq = w.text().indexOf('=');
            if (eq <= 0 || !NO_SPACE.matcher(w.text().substring(0, eq)).matches()) {
                throw new ValueSyntaxException(w.offset(), "expected NAME=value, got " + Text.quote(w.text())
                        + "; quote pairs with spaces: \"NAME=a b\"");
            }
            into.put(w.text().substring(0, eq), w.text().substring(eq + 1));
        }
    }

    private UnitParseException at(UnitElement.Assignment a, String reason) {
        int[] pos = Lines.keyPosition(a);
        return new UnitParseException(file.source(), pos[0], pos[1], reason);
    }

    private UnitParseException error(UnitElement.Assignment a, int offset, String reason) {
        int[] pos = Lines.valuePosition(a, offset);
        return new UnitParseException(file.source(), pos[0], pos[1], reason);
    }
}
