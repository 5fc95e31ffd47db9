package dev.flotilla.runtime.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.flotilla.runtime.exec.ServiceSpec.Commands;
import dev.flotilla.runtime.exec.ServiceSpec.EnvFileRef;
import dev.flotilla.runtime.exec.ServiceSpec.ExecContext;
import dev.flotilla.runtime.exec.ServiceSpec.KillMode;
import dev.flotilla.runtime.exec.ServiceSpec.KillSettings;
import dev.flotilla.runtime.exec.ServiceSpec.Limit;
import dev.flotilla.runtime.exec.ServiceSpec.ResourceSettings;
import dev.flotilla.runtime.exec.ServiceSpec.RestartPolicy;
import dev.flotilla.runtime.exec.ServiceSpec.RestartSettings;
import dev.flotilla.runtime.exec.ServiceSpec.ServiceType;
import dev.flotilla.runtime.exec.ServiceSpec.SuccessExit;
import dev.flotilla.unit.MachineFacts;
import dev.flotilla.unit.SpecifierException;
import dev.flotilla.unit.Specifiers;
import dev.flotilla.unit.SystemdQuoting;
import dev.flotilla.unit.TimeSpan;
import dev.flotilla.unit.UnitDefinition;
import dev.flotilla.unit.UnitFile;
import dev.flotilla.unit.UnitName;
import dev.flotilla.unit.ValueSyntaxException;

/**
 * Reads a {@code .service} unit's {@code [Service]} section (and the start limit from {@code [Unit]})
 * into a {@link ServiceSpec} for one machine. Defaults are systemd's: {@code Type=simple},
 * {@code Restart=no}, {@code RestartSec=100ms}, {@code TimeoutStartSec=}/{@code TimeoutStopSec=90s},
 * {@code KillSignal=SIGTERM}, {@code KillMode=control-group}, {@code StartLimitBurst=5} in
 * {@code StartLimitIntervalSec=10s}; plus the runtime's restart back-off cap
 * {@code RestartMaxDelaySec=} (default 1min, never below {@code RestartSec=}). Stateless.
 */
final class ServiceSpecParser {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(90);
    static final Duration DEFAULT_RESTART_SEC = Duration.ofMillis(100);
    static final Duration DEFAULT_RESTART_MAX_DELAY = Duration.ofMinutes(1);
    static final int DEFAULT_START_LIMIT_BURST = 5;
    static final Duration DEFAULT_START_LIMIT_INTERVAL = Duration.ofSeconds(10);

    private static final Set<String> SUPPORTED = Set.of("Type", "RemainAfterExit", "PIDFile", "GuessMainPID",
            "ExecStartPre", "ExecStart", "ExecStartPost", "ExecStop", "ExecStopPost", "Restart", "RestartSec",
            "RestartMaxDelaySec", "TimeoutStartSec", "TimeoutStopSec", "TimeoutSec", "KillSignal", "FinalKillSignal",
            "SendSIGKILL", "KillMode", "SuccessExitStatus", "Environment", "EnvironmentFile", "WorkingDirectory",
            "User", "Group", "CPUShares", "CPUWeight", "MemoryLimit", "MemoryMax", "StartLimitBurst",
            "StartLimitInterval", "StartLimitIntervalSec");
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMGTPE]?)", Pattern.CASE_INSENSITIVE);
    private static final String S = "Service";

    private final UnitFile file;
    private final UnitName unit;
    private final MachineFacts machine;
    private final List<String> notes = new ArrayList<>();

    private ServiceSpecParser(UnitDefinition definition, MachineFacts machine) {
        this.file = definition.file();
        this.unit = definition.name();
        this.machine = machine;
    }

    /**
     * Reads {@code definition} for {@code machine}.
     *
     * @throws BadSettingException naming the first refused setting
     */
    static ServiceSpec parse(UnitDefinition definition, MachineFacts machine) {
        return new ServiceSpecParser(definition, machine).parse();
    }

    private ServiceSpec parse() {
        Set<String> ignored = new TreeSet<>();
        file.options(S).forEach(o -> {
            if (!SUPPORTED.contains(o.name())) {
                ignored.add(o.name());
            }
        });
        if (!ignored.isEmpty()) {
            notes.add("ignoring [Service] settings the exec runtime does not support: " + String.join(", ", ignored));
        }
        ServiceType type = type();
        Commands commands = new Commands(exec("ExecStartPre"), exec("ExecStart"), exec("ExecStartPost"), exec("ExecStop"),
                exec("ExecStopPost"));
        checkStart(type, commands);
        RestartSettings restart = restart(type);
        Optional<Duration> timeoutStart = timeout("TimeoutStartSec");
        KillSettings kill = new KillSettings(signal("KillSignal", Signals.TERM), signal("FinalKillSignal", Signals.KILL),
                bool("SendSIGKILL", true), killMode(), timeout("TimeoutStopSec"));
        Optional<String> pidFile = value("PIDFile").map(this::specifiers).map(p -> absolute("PIDFile", p));
        return new ServiceSpec(unit, file.hash(), type, bool("RemainAfterExit", false), pidFile, commands, restart, kill,
                timeoutStart, successExit(), context(), resources(), notes);
    }

    private ServiceType type() {
        String t = value("Type").orElse("simple");
        return switch (t) {
            case "simple", "exec", "idle" -> ServiceType.SIMPLE;
            case "forking" -> ServiceType.FORKING;
            case "oneshot" -> ServiceType.ONESHOT;
            case "notify", "notify-reload", "dbus" -> throw new BadSettingException("Type=" + t + " is not supported by "
                    + "the exec runtime (it has no sd_notify socket or D-Bus); use Type=simple or Type=forking");
            default -> throw new BadSettingException("Type=" + t + " is not a service type; use simple, exec, forking, "
                    + "oneshot or idle");
        };
    }

    private static void checkStart(ServiceType type, Commands c) {
        if (c.start().isEmpty() && (type != ServiceType.ONESHOT || c.stop().isEmpty())) {
            throw new BadSettingException("the unit has no ExecStart=; add the command to run");
        }
        if (c.start().size() > 1 && type != ServiceType.ONESHOT) {
            throw new BadSettingException("the unit has " + c.start().size() + " ExecStart= lines, which only Type=oneshot "
                    + "allows; keep one, or move the others to ExecStartPre=/ExecStartPost=");
        }
    }

    private RestartSettings restart(ServiceType type) {
        String r = value("Restart").orElse("no");
        RestartPolicy policy = switch (r) {
            case "no" -> RestartPolicy.NO;
            case "always" -> RestartPolicy.ALWAYS;
            case "on-success" -> RestartPolicy.ON_SUCCESS;
            case "on-failure" -> RestartPolicy.ON_FAILURE;
            case "on-abnormal" -> RestartPolicy.ON_ABNORMAL;
            case "on-abort" -> RestartPolicy.ON_ABORT;
            case "on-watchdog" -> {
                notes.add("Restart=on-watchdog: the exec runtime has no watchdog, so the unit is never restarted");
                yield RestartPolicy.NO;
            }
            default -> throw new BadSettingException("Restart=" + r + " is not a restart policy; use no, always, "
                    + "on-success, on-failure, on-abnormal or on-abort");
        };
        if (type == ServiceType.ONESHOT && (policy == RestartPolicy.ALWAYS || policy == RestartPolicy.ON_SUCCESS)) {
            throw new BadSettingException("Restart=" + r + " is not allowed for Type=oneshot (systemd refuses it too); "
                    + "use Restart=on-failure");
        }
        Duration delay = span("RestartSec").orElse(DEFAULT_RESTART_SEC);
        Duration max = span("RestartMaxDelaySec").orElse(DEFAULT_RESTART_MAX_DELAY);
        if (max.compareTo(delay) < 0) {
            max = delay;
        }
        Optional<String> burstText = file.value("Unit", "StartLimitBurst").or(() -> value("StartLimitBurst"))
                .filter(v -> !v.isEmpty());
        int burst;
        try {
            burst = burstText.map(Integer::parseInt).orElse(DEFAULT_START_LIMIT_BURST);
        } catch (NumberFormatException e) {
            throw new BadSettingException("StartLimitBurst=" + burstText.orElseThrow() + " is not a number");
        }
        Duration interval = unitOrService("StartLimitIntervalSec").or(() -> unitOrService("StartLimitInterval"))
                .map(v -> parseSpan("StartLimitIntervalSec", v)).map(t -> t.isInfinite() ? Duration.ofDays(36500)
                        : t.toDuration()).orElse(DEFAULT_START_LIMIT_INTERVAL);
        return new RestartSettings(policy, delay, max, burst, interval);
    }

    private Optional<String> unitOrService(String key) {
        return file.value("Unit", key).or(() -> value(key)).filter(v -> !v.isEmpty());
    }

    private KillMode killMode() {
        String m = value("KillMode").orElse("control-group");
        return switch (m) {
            case "control-group" -> KillMode.CONTROL_GROUP;
            case "mixed" -> KillMode.MIXED;
            case "process" -> KillMode.PROCESS;
            default -> throw new BadSettingException("KillMode=" + m + " is not supported; use control-group, mixed or "
                    + "process");
        };
    }

    private SuccessExit successExit() {
        Set<Integer> statuses = new HashSet<>();
        Set<Integer> signals = new HashSet<>();
        for (String v : file.values(S, "SuccessExitStatus")) {
            for (String w : words("SuccessExitStatus", v)) {
                if (w.matches("\\d{1,3}") && Integer.parseInt(w) <= 255) {
                    statuses.add(Integer.parseInt(w));
                } else {
                    signals.add(Signals.parse(w).orElseThrow(() -> new BadSettingException("SuccessExitStatus=" + v
                            + ": " + w + " is neither an exit status (0-255) nor a signal name")));
                }
            }
        }
        return new SuccessExit(statuses, signals);
    }

    private ExecContext context() {
        List<String> env = new ArrayList<>();
        for (String v : file.values(S, "Environment")) {
            for (String w : words("Environment", v)) {
                String assignment = specifiers(w);
                int eq = assignment.indexOf('=');
                if (eq > 0 && ExecLineExpander.isName(assignment, 0, eq)) {
                    env.add(assignment);
                } else {
                    notes.add("Environment=" + v + ": ignoring " + w + ", which is not NAME=VALUE");
                }
            }
        }
        List<EnvFileRef> files = new ArrayList<>();
        for (String v : file.values(S, "EnvironmentFile")) {
            boolean optional = v.startsWith("-");
            String path = specifiers(optional ? v.substring(1).strip() : v.strip());
            files.add(new EnvFileRef(absolute("EnvironmentFile", path), optional));
        }
        Optional<String> dir = value("WorkingDirectory").map(this::specifiers);
        boolean dirOptional = dir.filter(d -> d.startsWith("-")).isPresent();
        dir = dir.map(d -> dirOptional ? d.substring(1) : d);
        dir.filter(d -> !d.equals("~")).ifPresent(d -> absolute("WorkingDirectory", d));
        return new ExecContext(env, files, dir, dirOptional, value("User").map(this::specifiers),
                value("Group").map(this::specifiers));
    }

    private ResourceSettings resources() {
        Optional<Limit> memory = limitValue("MemoryMax").or(() -> limitValue("MemoryLimit"))
                .flatMap(kv -> memoryBytes(kv[0], kv[1]).stream().mapToObj(b -> new Limit(kv[0], kv[1], b)).findFirst());
        Optional<Limit> cpu = limitValue("CPUWeight").map(kv -> new Limit(kv[0], kv[1], number(kv, 1, 10_000)))
                .or(() -> limitValue("CPUShares").map(kv -> new Limit(kv[0], kv[1],
                        Math.clamp(number(kv, 2, 262_144) * 100 / 1024, 1, 10_000))));
        return new ResourceSettings(memory, cpu);
    }

    private Optional<String[]> limitValue(String key) {
        return value(key).map(v -> new String[] {key, v});
    }

    private static long number(String[] kv, long min, long max) {
        String v = kv[1].equals("idle") && kv[0].equals("CPUWeight") ? "1" : kv[1];
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new BadSettingException(kv[0] + "=" + kv[1] + " must be a number from " + min + " to " + max);
    }

    /** Bytes, or empty for {@code infinity}. */
    private static java.util.OptionalLong memoryBytes(String key, String value) {
        if (value.equals("infinity")) {
            return java.util.OptionalLong.empty();
        }
        if (value.endsWith("%")) {
            try {
                double pct = Double.parseDouble(value.substring(0, value.length() - 1));
                return java.util.OptionalLong.of((long) (physicalMemory() * pct / 100));
            } catch (NumberFormatException e) {
                throw new BadSettingException(key + "=" + value + " is not a percentage such as 50%");
            }
        }
        Matcher m = SIZE.matcher(value);
        if (!m.matches()) {
            throw new BadSettingException(key + "=" + value + " is not a size; write e.g. 512M, 1G or infinity");
        }
        int power = m.group(2).isEmpty() ? 0 : "KMGTPE".indexOf(m.group(2).toUpperCase(Locale.ROOT)) + 1;
        return java.util.OptionalLong.of((long) (Double.parseDouble(m.group(1)) * Math.pow(1024, power)));
    }

    private static long physicalMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        throw new BadSettingException("cannot read MemTotal from /proc/meminfo for a percentage memory limit");
    }

    private List<ExecCommand> exec(String key) {
        return file.values(S, key).stream().map(v -> ExecCommand.parse(key, v, unit, machine)).toList();
    }

    private Optional<String> value(String key) {
        return file.value(S, key).filter(v -> !v.isEmpty());
    }

    private boolean bool(String key, boolean fallback) {
        return value(key).map(v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "yes", "true", "on", "1" -> true;
            case "no", "false", "off", "0" -> false;
            default -> throw new BadSettingException(key + "=" + v + " is not a boolean; use yes or no");
        }).orElse(fallback);
    }

    private int signal(String key, int fallback) {
        return value(key).map(v -> Signals.parse(v).orElseThrow(() -> new BadSettingException(key + "=" + v
                + " is not a signal; write e.g. SIGTERM, SIGINT or SIGKILL"))).orElse(fallback);
    }

    /** A timeout: 0 and infinity mean none; {@code TimeoutSec=} sets both. */
    private Optional<Duration> timeout(String key) {
        Optional<TimeSpan> span = value(key).or(() -> value("TimeoutSec")).map(v -> parseSpan(key, v));
        if (span.isEmpty()) {
            return Optional.of(DEFAULT_TIMEOUT);
        }
        TimeSpan t = span.get();
        return t.isInfinite() || t.micros() == 0 ? Optional.empty() : Optional.of(t.toDuration());
    }

    private Optional<Duration> span(String key) {
        return value(key).map(v -> parseSpan(key, v)).map(t -> t.isInfinite() ? Duration.ofDays(36500) : t.toDuration());
    }

    private static TimeSpan parseSpan(String key, String v) {
        try {
            return TimeSpan.parse(v);
        } catch (ValueSyntaxException e) {
            throw new BadSettingException(key + "=" + v + ": " + e.getMessage());
        }
    }

    private static List<String> words(String key, String v) {
        try {
            return SystemdQuoting.split(v);
        } catch (ValueSyntaxException e) {
            throw new BadSettingException(key + "=" + v + ": " + e.getMessage());
        }
    }

    private String specifiers(String v) {
        try {
            return Specifiers.expand(v, unit, machine);
        } catch (SpecifierException e) {
            throw new BadSettingException(v + ": " + e.getMessage());
        }
    }

    private static String absolute(String key, String path) {
        if (!path.startsWith("/")) {
            throw new BadSettingException(key + "=" + path + " must be an absolute path");
        }
        return path;
    }
}
