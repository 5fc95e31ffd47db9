package dev.flotilla.runtime.docker;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;

import dev.flotilla.runtime.ActiveState;
import dev.flotilla.runtime.LimitReport;
import dev.flotilla.runtime.LoadState;
import dev.flotilla.runtime.ProcessExit;
import dev.flotilla.runtime.StartRequest;
import dev.flotilla.runtime.SubState;
import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.runtime.support.RecordFiles;
import dev.flotilla.unit.ContentHash;
import dev.flotilla.unit.UnitDefinition;
import dev.flotilla.unit.UnitName;

/**
 * What the runtime keeps of a container unit in {@code <state-dir>/<unit>/}, so that a new runtime takes it
 * back: {@code unit} (the definition as submitted), {@code state.properties} (status, the current container,
 * whether it should run, restart bookkeeping, the machine's facts and the agent's variables it started with).
 * Written atomically (a temporary file renamed). Mutable; used by the unit's own thread only.
 */
final class ContainerRecord {

    UnitStatus status;
    /** The definition, machine facts and agent variables of the last start; empty before the first. */
    Optional<StartRequest> request = Optional.empty();
    /** The container of the current or last run, kept until the next start, a stop or forget. */
    Optional<String> containerId = Optional.empty();
    Optional<String> containerName = Optional.empty();
    /** Whether the unit should run: started and not stopped since. */
    boolean wanted;
    /** Automatic restarts in a row, for the back-off. */
    int consecutiveRestarts;

    ContainerRecord(UnitStatus status) {
        this.status = status;
    }

    void save(Path dir) throws IOException {
        Properties p = new Properties();
        UnitStatus s = status;
        RecordFiles.putStatus(p, s, ContainerRecord::exitText,
                l -> l.setting() + "\t" + l.value() + "\t" + l.applied() + "\t" + l.detail());
        containerId.ifPresent(id -> p.setProperty("container.id", id));
        containerName.ifPresent(n -> p.setProperty("container.name", n));
        p.setProperty("wanted", Boolean.toString(wanted));
        p.setProperty("consecutiveRestarts", Integer.toString(consecutiveRestarts));
        if (request.isPresent()) {
            StartRequest r = request.get();
            RecordFiles.putMachineAndEnvironment(p, r);
            RecordFiles.atomicWrite(dir.resolve("unit"), r.definition().file().serialise());
        }
        StringWriter out = new StringWriter();
        p.store(out, "flotilla docker runtime: state of " + s.unit());
        RecordFiles.atomicWrite(dir.resolve("state.properties"), out.toString());
    }

    static ContainerRecord load(Path dir, UnitName name) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(dir.resolve("state.properties"), StandardCharsets.UTF_8)));
        List<LimitReport> limits = new ArrayList<>();
        for (int i = 0; p.containsKey("limit." + i); i++) {
            String[] f = p.getProperty("limit." + i).split("\t", 4);
            limits.add(new LimitReport(f[0], f[1], Boolean.parseBoolean(f[2]), f[3]));
        }
        String pid = p.getProperty("mainPid");
        UnitStatus s = new UnitStatus(name, LoadState.valueOf(p.getProperty("load", "LOADED")),
                ActiveState.valueOf(p.getProperty("active", "INACTIVE")), SubState.valueOf(p.getProperty("sub", "DEAD")),
                Instant.parse(p.getProperty("since", Instant.EPOCH.toString())),
                pid == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(pid)),
                Optional.ofNullable(p.getProperty("lastExit")).map(ContainerRecord::parseExit),
                Optional.ofNullable(p.getProperty("reason")), Integer.parseInt(p.getProperty("restarts", "0")),
                Optional.ofNullable(p.getProperty("hash")).map(ContentHash::new), limits);
        ContainerRecord r = new ContainerRecord(s);
        r.containerId = Optional.ofNullable(p.getProperty("container.id"));
        r.containerName = Optional.ofNullable(p.getProperty("container.name"));
        r.wanted = Boolean.parseBoolean(p.getProperty("wanted", "false"));
        r.consecutiveRestarts = Integer.parseInt(p.getProperty("consecutiveRestarts", "0"));
        Path unitFile = dir.resolve("unit");
        if (p.containsKey("machine.id") && Files.exists(unitFile)) {
            UnitDefinition def = UnitDefinition.parse(name, Files.readString(unitFile, StandardCharsets.UTF_8));
            r.request = Optional.of(new StartRequest(def, RecordFiles.machine(p), RecordFiles.environment(p)));
        }
        return r;
    }

    private static String exitText(ProcessExit e) {
        return switch (e) {
            case ProcessExit.Exited x -> "exited " + x.status();
            case ProcessExit.Killed k -> "killed " + k.signal() + " " + k.name() + " " + k.coreDumped();
            case ProcessExit.Unknown u -> "unknown";
        };
    }

    private static ProcessExit parseExit(String text) {
        String[] f = text.split(" ");
        return switch (f[0]) {
            case "exited" -> new ProcessExit.Exited(Integer.parseInt(f[1]));
            case "killed" -> new ProcessExit.Killed(Integer.parseInt(f[1]), f[2], Boolean.parseBoolean(f[3]));
            default -> new ProcessExit.Unknown();
        };
    }
}
