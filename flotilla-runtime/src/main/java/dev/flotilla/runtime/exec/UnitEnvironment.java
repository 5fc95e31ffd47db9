package dev.flotilla.runtime.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import dev.flotilla.runtime.StartRequest;
import dev.flotilla.runtime.exec.ServiceSpec.EnvFileRef;
import dev.flotilla.unit.MachineFacts;

/**
 * The environment of a unit's commands, built fresh for every command (environment files are read
 * when a command starts, as systemd does). Layers, lowest precedence first:
 * <ol>
 * <li>{@code PATH} (systemd's default), {@code LANG} (the agent's), and for {@code User=}
 *     {@code HOME USER LOGNAME SHELL};</li>
 * <li>the agent's extra variables ({@link StartRequest#environment()});</li>
 * <li>{@code Environment=}, then {@code EnvironmentFile=} (files override, as in systemd);</li>
 * <li>the machine's facts, {@code FLOTILLA_MACHINE_ID FLOTILLA_PUBLIC_IP FLOTILLA_PRIVATE_IP
 *     COREOS_PUBLIC_IPV4 COREOS_PRIVATE_IPV4} (and {@code FLOTILLA_UNIT}): they override environment
 *     files, which are host-wide while the facts are the agent's own, but not an explicit
 *     {@code Environment=} of the unit;</li>
 * <li>per command: {@code MAINPID}, {@code SERVICE_RESULT}, {@code EXIT_CODE}, {@code EXIT_STATUS}.</li>
 * </ol>
 * A missing {@code EnvironmentFile=} fails the command unless it has the {@code -} prefix, except
 * {@code /etc/environment}: CoreOS units read it for {@code COREOS_*_IPV4}, which the facts provide,
 * so its absence is only noted. Stateless.
 */
final class UnitEnvironment {

    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    static final String ETC_ENVIRONMENT = "/etc/environment";

    private UnitEnvironment() {}

    /** The fact variables for {@code machine}; the private IP falls back to the public one, as on a single-NIC host. */
    static Map<String, String> facts(MachineFacts machine, String unitName) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("FLOTILLA_MACHINE_ID", machine.machineId());
        f.put("FLOTILLA_UNIT", unitName);
        Optional<String> pub = machine.publicIp();
        Optional<String> priv = machine.privateIp().or(() -> pub);
        pub.ifPresent(ip -> {
            f.put("FLOTILLA_PUBLIC_IP", ip);
            f.put("COREOS_PUBLIC_IPV4", ip);
        });
        priv.ifPresent(ip -> {
            f.put("FLOTILLA_PRIVATE_IP", ip);
            f.put("COREOS_PRIVATE_IPV4", ip);
        });
        return f;
    }

    /**
     * Builds the environment of one command.
     *
     * @param extra per-command variables ({@code MAINPID}...)
     * @param note receives one line per thing worth telling in the journal (a skipped line, a missing
     *     /etc/environment)
     * @throws BadSettingException when a required environment file is missing or unreadable
     */
    static Map<String, String> build(ServiceSpec spec, StartRequest request, Optional<UserAccount> user,
            Map<String, String> extra, Consumer<String> note) {
        return build(spec, request, user, extra, note, ETC_ENVIRONMENT);
    }

    /** {@link #build} with another path standing for {@code /etc/environment} (tests). */
    static Map<String, String> build(ServiceSpec spec, StartRequest request, Optional<UserAccount> user,
            Map<String, String> extra, Consumer<String> note, String etcEnvironment) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", DEFAULT_PATH);
        Optional.ofNullable(System.getenv("LANG")).ifPresent(v -> env.put("LANG", v));
        user.ifPresent(u -> {
            env.put("HOME", u.home());
            env.put("USER", u.name());
            env.put("LOGNAME", u.name());
            env.put("SHELL", u.shell());
        });
        env.putAll(request.environment());
        Map<String, String> explicit = new LinkedHashMap<>();
        for (String assignment : spec.context().environment()) {
            int eq = assignment.indexOf('=');
            explicit.put(assignment.substring(0, eq), assignment.substring(eq + 1));
        }
        env.putAll(explicit);
        for (EnvFileRef ref : spec.context().environmentFiles()) {
            env.putAll(readFile(ref, note, etcEnvironment));
        }
        facts(request.machine(), spec.unit().name()).forEach((k, v) -> {
            if (!explicit.containsKey(k)) {
                env.put(k, v);
            }
        });
        env.putAll(extra);
        return env;
    }

    private static Map<String, String> readFile(EnvFileRef ref, Consumer<String> note, String etcEnvironment) {
        String text;
        try {
            text = Files.readString(Path.of(ref.path()), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            if (ref.optional()) {
                return Map.of();
            }
            if (ref.path().equals(etcEnvironment)) {
                note.accept("EnvironmentFile=" + etcEnvironment + " does not exist on this machine; continuing without it "
                        + "(COREOS_PUBLIC_IPV4 and COREOS_PRIVATE_IPV4 come from the machine's facts)");
                return Map.of();
            }
            throw new BadSettingException("EnvironmentFile=" + ref.path() + ": no such file; create it, or write "
                    + "EnvironmentFile=-" + ref.path() + " to make it optional");
        } catch (IOException e) {
            if (ref.optional()) {
                return Map.of();
            }
            throw new BadSettingException("EnvironmentFile=" + ref.path() + ": cannot read it: " + e.getMessage());
        }
        EnvironmentFile.Parsed parsed = EnvironmentFile.parse(text);
        List<String> skipped = parsed.skipped();
        skipped.forEach(s -> note.accept("EnvironmentFile=" + ref.path() + ": skipping " + s));
        return parsed.variables();
    }
}
