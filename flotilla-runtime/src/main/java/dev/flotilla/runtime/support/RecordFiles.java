package dev.flotilla.runtime.support;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

import dev.flotilla.runtime.LimitReport;
import dev.flotilla.runtime.ProcessExit;
import dev.flotilla.runtime.StartRequest;
import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.unit.MachineFacts;

/**
 * What the runtimes' unit records ({@code state.properties} in each unit's directory) have in common: the
 * atomic replacement of a file, and the properties that hold a {@link UnitStatus} and the machine facts and
 * agent variables of a {@link StartRequest}. Each runtime keeps its own record class with the rest of its
 * state, and chooses how a {@link ProcessExit} and a {@link LimitReport} are written (the runtimes' records
 * differ there, and each must keep reading what it wrote before). Stateless.
 */
public final class RecordFiles {

    private RecordFiles() {
    }

    /**
     * Replaces {@code file} with {@code text} (UTF-8) at once: written to {@code file.tmp} first, then moved
     * over it atomically, so a reader (or a runtime after a crash) sees the old text or the new, never part.
     *
     * @throws IOException when the file cannot be written or moved
     */
    public static void atomicWrite(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write(text);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Puts {@code status} into {@code p}: {@code load}, {@code active}, {@code sub}, {@code since}, {@code
     * mainPid}, {@code lastExit}, {@code reason}, {@code restarts}, {@code hash} and {@code limit.0} to {@code
     * limit.N-1} (absent optional parts are left out).
     *
     * @param exit how the runtime writes the last exit
     * @param limit how the runtime writes one limit report
     */
    public static void putStatus(Properties p, UnitStatus status, Function<ProcessExit, String> exit,
            Function<LimitReport, String> limit) {
        p.setProperty("load", status.load().name());
        p.setProperty("active", status.active().name());
        p.setProperty("sub", status.sub().name());
        p.setProperty("since", status.since().toString());
        status.mainPid().ifPresent(pid -> p.setProperty("mainPid", Long.toString(pid)));
        status.lastExit().ifPresent(e -> p.setProperty("lastExit", exit.apply(e)));
        status.reason().ifPresent(r -> p.setProperty("reason", r));
        p.setProperty("restarts", Integer.toString(status.restarts()));
        status.hash().ifPresent(h -> p.setProperty("hash", h.hex()));
        for (int i = 0; i < status.limits().size(); i++) {
            p.setProperty("limit." + i, limit.apply(status.limits().get(i)));
        }
    }

    /**
     * Puts {@code request}'s machine facts ({@code machine.*}) and agent variables ({@code env.*}) into
     * {@code p}; the definition is the runtime's to keep (in the unit's {@code unit} file).
     */
    public static void putMachineAndEnvironment(Properties p, StartRequest request) {
        MachineFacts m = request.machine();
        p.setProperty("machine.id", m.machineId());
        p.setProperty("machine.hostname", m.hostname());
        p.setProperty("machine.bootId", m.bootId());
        m.publicIp().ifPresent(ip -> p.setProperty("machine.publicIp", ip));
        m.privateIp().ifPresent(ip -> p.setProperty("machine.privateIp", ip));
        m.metadata().forEach((k, v) -> p.setProperty("machine.metadata." + k, v));
        request.environment().forEach((k, v) -> p.setProperty("env." + k, v));
    }

    /** Reads back the machine facts {@link #putMachineAndEnvironment} put into {@code p}; metadata sorted by key. */
    public static MachineFacts machine(Properties p) {
        Map<String, String> meta = new LinkedHashMap<>();
        p.stringPropertyNames().stream().sorted().filter(k -> k.startsWith("machine.metadata."))
                .forEach(k -> meta.put(k.substring("machine.metadata.".length()), p.getProperty(k)));
        return new MachineFacts(p.getProperty("machine.id"), p.getProperty("machine.hostname"),
                p.getProperty("machine.bootId"), Optional.ofNullable(p.getProperty("machine.publicIp")),
                Optional.ofNullable(p.getProperty("machine.privateIp")), meta);
    }

    /** Reads back the agent variables {@link #putMachineAndEnvironment} put into {@code p}, sorted by name. */
    public static Map<String, String> environment(Properties p) {
        Map<String, String> env = new LinkedHashMap<>();
        p.stringPropertyNames().stream().sorted().filter(k -> k.startsWith("env."))
                .forEach(k -> env.put(k.substring("env.".length()), p.getProperty(k)));
        return env;
    }
}
