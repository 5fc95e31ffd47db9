package dev.flotilla.runtime.exec;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
 * What the exec runtime persists about one unit in {@code <state-dir>/<unit>/}: the definition it
 * runs ({@code unit}), and in {@code state.properties} the status, where the lifecycle is (phase,
 * step, the control and main commands' sequence numbers, deadlines), the restart bookkeeping and
 * the unit's cgroups: enough for a new runtime to resume exactly where a dead agent stopped.
 * Mutable; guarded by the owning {@link ServiceUnit}'s lock. Written atomically (rename).
 */
final class UnitRecord {

    /** How the current run ends so far, systemd's {@code Result=}. */
    enum Result {
        SUCCESS("success"), EXIT_CODE("exit-code"), SIGNAL("signal"), CORE_DUMP("core-dump"), TIMEOUT("timeout"),
        START_LIMIT_HIT("start-limit-hit"), RESOURCES("resources");

        final String systemdName;

        Result(String systemdName) {
            this.systemdName = systemdName;
        }
    }

    Optional<StartRequest> request = Optional.empty();
    UnitStatus status;
    int step;
    long controlSeq = -1;
    long mainSeq = -1;
    Optional<ProcessIdentity> mainProcess = Optional.empty();
    Optional<Instant> deadline = Optional.empty();
    Optional<Instant> restartAt = Optional.empty();
    Result result = Result.SUCCESS;
    boolean stopRequested;
    int consecutiveRestarts;
    List<Instant> starts = new ArrayList<>();
    List<Path> cgroups = new ArrayList<>();
    long nextSeq = 1;
    String bootId = "";

    UnitRecord(UnitStatus status) {
        this.status = status;
    }

    /** Resets the record for an explicit start of {@code request} and persists it with the definition. */
    void beginRun(Path dir, StartRequest newRequest, String currentBootId) throws IOException {
        RecordFiles.atomicWrite(dir.resolve("unit"), newRequest.definition().file().serialise());
        ExecWatchdog.clearFenced(dir);
        request = Optional.of(newRequest);
        stopRequested = false;
        result = Result.SUCCESS;
        starts.clear();
        consecutiveRestarts = 0;
        restartAt = Optional.empty();
        bootId = currentBootId;
        status = status.withRestarts(0).withDefinition(LoadState.LOADED, Optional.of(newRequest.definition().hash()),
                List.of());
        save(dir);
    }

    /** Deletes the record, the definition and the fence marker (the journal stays). */
    static void delete(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve("state.properties"));
        Files.deleteIfExists(dir.resolve("unit"));
        ExecWatchdog.clearFenced(dir);
    }

    void save(Path dir) throws IOException {
        Properties p = new Properties();
        RecordFiles.putStatus(p, status, UnitRecord::encodeExit,
                l -> l.applied() + "|" + l.setting() + "|" + l.value() + "|" + l.detail());
        request.ifPresent(r -> RecordFiles.putMachineAndEnvironment(p, r));
        p.setProperty("step", Integer.toString(step));
        p.setProperty("controlSeq", Long.toString(controlSeq));
        p.setProperty("mainSeq", Long.toString(mainSeq));
        mainProcess.ifPresent(id -> p.setProperty("mainProcess", id.encode()));
        deadline.ifPresent(d -> p.setProperty("deadline", d.toString()));
        restartAt.ifPresent(d -> p.setProperty("restartAt", d.toString()));
        p.setProperty("result", result.name());
        p.setProperty("stopRequested", Boolean.toString(stopRequested));
        p.setProperty("consecutiveRestarts", Integer.toString(consecutiveRestarts));
        p.setProperty("starts", String.join(",", starts.stream().map(Instant::toString).toList()));
        p.setProperty("cgroups", String.join("\n", cgroups.stream().map(Path::toString).toList()));
        p.setProperty("nextSeq", Long.toString(nextSeq));
        p.setProperty("bootId", bootId);
        java.io.StringWriter w = new java.io.StringWriter();
        p.store(w, "flotilla exec runtime: unit state");
        RecordFiles.atomicWrite(dir.resolve("state.properties"), w.toString());
    }

    /**
     * Reads a unit's record; a definition that no longer parses gives load state {@code error}.
     *
     * @throws IOException when the files cannot be read
     */
    static UnitRecord load(Path dir, UnitName name) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve("state.properties"), StandardCharsets.UTF_8)) {
            p.load(r);
        }
        List<LimitReport> limits = new ArrayList<>();
        for (int i = 0; p.containsKey("limit." + i); i++) {
            String[] f = p.getProperty("limit." + i).split("\\|", 4);
            limits.add(new LimitReport(f[1], f[2], Boolean.parseBoolean(f[0]), f[3]));
        }
        LoadState load = LoadState.valueOf(p.getProperty("load", "LOADED"));
        Optional<String> reason = Optional.ofNullable(p.getProperty("reason"));
        UnitRecord rec = new UnitRecord(null);
        if (Files.exists(dir.resolve("unit")) && p.containsKey("machine.id")) {
            try {
                UnitDefinition def = UnitDefinition.parse(name, Files.readString(dir.resolve("unit"), StandardCharsets.UTF_8));
                rec.request = Optional.of(new StartRequest(def, RecordFiles.machine(p), RecordFiles.environment(p)));
            } catch (RuntimeException e) {
                load = LoadState.ERROR;
                reason = Optional.of("cannot read the persisted definition: " + e.getMessage());
            }
        }
        rec.status = new UnitStatus(name, load, ActiveState.valueOf(p.getProperty("active")),
                SubState.valueOf(p.getProperty("sub")), Instant.parse(p.getProperty("since")),
                p.containsKey("mainPid") ? OptionalLong.of(Long.parseLong(p.getProperty("mainPid"))) : OptionalLong.empty(),
                Optional.ofNullable(p.getProperty("lastExit")).map(UnitRecord::decodeExit), reason,
                Integer.parseInt(p.getProperty("restarts", "0")),
                Optional.ofNullable(p.getProperty("hash")).map(ContentHash::new), limits);
        rec.step = Integer.parseInt(p.getProperty("step", "0"));
        rec.controlSeq = Long.parseLong(p.getProperty("controlSeq", "-1"));
        rec.mainSeq = Long.parseLong(p.getProperty("mainSeq", "-1"));
        rec.mainProcess = Optional.ofNullable(p.getProperty("mainProcess")).map(ProcessIdentity::decode);
        rec.deadline = Optional.ofNullable(p.getProperty("deadline")).map(Instant::parse);
        rec.restartAt = Optional.ofNullable(p.getProperty("restartAt")).map(Instant::parse);
        rec.result = Result.valueOf(p.getProperty("result", "SUCCESS"));
        rec.stopRequested = Boolean.parseBoolean(p.getProperty("stopRequested"));
        rec.consecutiveRestarts = Integer.parseInt(p.getProperty("consecutiveRestarts", "0"));
        String starts = p.getProperty("starts", "");
        rec.starts = new ArrayList<>(starts.isEmpty() ? List.of()
                : Arrays.stream(starts.split(",")).map(Instant::parse).toList());
        String cgroups = p.getProperty("cgroups", "");
        rec.cgroups = new ArrayList<>(cgroups.isEmpty() ? List.of() : Arrays.stream(cgroups.split("\n")).map(Path::of).toList());
        rec.nextSeq = Long.parseLong(p.getProperty("nextSeq", "1"));
        rec.bootId = p.getProperty("bootId", "");
        return rec;
    }

    static String encodeExit(ProcessExit e) {
        return switch (e) {
            case ProcessExit.Exited x -> "exited " + x.status();
            case ProcessExit.Killed k -> "killed " + k.signal() + (k.coreDumped() ? " core" : "");
            case ProcessExit.Unknown u -> "unknown";
        };
    }

    /** Reads {@link #encodeExit}'s form, which is also the shim's (after the PID). */
    static ProcessExit decodeExit(String text) {
        String[] f = text.strip().split(" ");
        return switch (f[0]) {
            case "exited" -> new ProcessExit.Exited(Integer.parseInt(f[1]));
            case "killed" -> {
                int sig = Integer.parseInt(f[1]);
                yield new ProcessExit.Killed(sig, Signals.name(sig), f.length > 2 && f[2].equals("core"));
            }
            default -> new ProcessExit.Unknown();
        };
    }
}
