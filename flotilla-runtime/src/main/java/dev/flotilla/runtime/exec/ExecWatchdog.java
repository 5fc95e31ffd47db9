package dev.flotilla.runtime.exec;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.runtime.support.RecordFiles;
import dev.flotilla.unit.ContentHash;

/**
 * The exec runtime's fencing watchdog ({@code flotilla-watchdog.pl}, run by {@code /usr/bin/perl}
 * like the shim): one detached process per state directory that stops the runtime's units once the
 * agent's heartbeat has run out, even after the agent died. This class installs the script, starts
 * the process, and adopts or replaces one a previous agent left: {@code .watchdog.pid} in the state
 * directory names it ({@code <pid>:<start time> <script hash> <heartbeat path>}); one of the same
 * script over the same heartbeat is kept, any other is killed and replaced. Its log is
 * {@code .watchdog.log}. Thread-safe.
 */
final class ExecWatchdog {

    static final String RESOURCE = "flotilla-watchdog.pl";
    static final String SCRIPT = ".flotilla-watchdog.pl";
    static final String PID_FILE = ".watchdog.pid";
    static final String LOG_FILE = ".watchdog.log";
    /** The marker the watchdog writes into a unit's directory when it fenced the unit. */
    static final String UNIT_MARKER = "fenced";
    /** The unit's kill settings, for the watchdog: {@code signal=15 final=9 timeout=90.000 sigkill=1}. */
    static final String KILL_FILE = "kill";

    private static final Logger LOG = LoggerFactory.getLogger(ExecWatchdog.class);
    private static final Path PERL = Path.of("/usr/bin/perl");

    private final Path stateDir;
    private final Path script;
    private final String version;
    private ProcessIdentity current; // guarded by this
    private Path currentHeartbeat; // guarded by this

    private ExecWatchdog(Path stateDir, Path script, String version) {
        this.stateDir = stateDir;
        this.script = script;
        this.version = version;
    }

    /**
     * Writes the script into {@code stateDir}.
     *
     * @throws IOException when the script cannot be written
     */
    static ExecWatchdog install(Path stateDir) throws IOException {
        String text;
        try (InputStream in = ExecWatchdog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("resource " + RESOURCE + " is missing from the flotilla-runtime jar");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path file = stateDir.resolve(SCRIPT);
        RecordFiles.atomicWrite(file, text);
        return new ExecWatchdog(stateDir, file, ContentHash.of(text).shortHex());
    }

    /**
     * Makes sure a watchdog of this script runs over {@code heartbeat}: keeps the one running (ours,
     * or a previous agent's), replaces one of another version or heartbeat, starts one when none runs.
     *
     * @throws IOException when it cannot be started
     */
    synchronized void arm(Path heartbeat) throws IOException {
        Path hb = heartbeat.toAbsolutePath().normalize();
        if (current != null && hb.equals(currentHeartbeat) && current.alive()) {
            return;
        }
        Optional<String[]> recorded = readPidFile();
        if (recorded.isPresent()) {
            ProcessIdentity previous = ProcessIdentity.decode(recorded.get()[0]);
            if (previous.alive() && isWatchdog(previous.pid())) {
                if (recorded.get()[1].equals(version) && recorded.get()[2].equals(hb.toString())) {
                    current = previous;
                    currentHeartbeat = hb;
                    LOG.info("adopted the fencing watchdog {} of {}", previous.pid(), stateDir);
                    return;
                }
                LOG.info("replacing the fencing watchdog {} of {} (another version or heartbeat)", previous.pid(), stateDir);
                Posix.kill(previous.pid(), Signals.KILL);
            }
        }
        ProcessBuilder pb = new ProcessBuilder(List.of(PERL.toString(), "--", script.toString(), stateDir.toString(),
                hb.toString()));
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/bin:/bin");
        pb.directory(stateDir.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(stateDir.resolve(LOG_FILE).toFile()));
        pb.redirectErrorStream(true);
        Process process = pb.start();
        ProcessIdentity started = new ProcessIdentity(process.pid(),
                ProcStat.read(process.pid()).map(ProcStat::startTime).orElse(0L));
        RecordFiles.atomicWrite(stateDir.resolve(PID_FILE), started.encode() + " " + version + " " + hb + "\n");
        current = started;
        currentHeartbeat = hb;
        LOG.info("started the fencing watchdog {} of {} over {}", started.pid(), stateDir, hb);
    }

    /** The running watchdog's PID, if one runs. */
    synchronized Optional<Long> pid() {
        return Optional.ofNullable(current).filter(ProcessIdentity::alive).map(ProcessIdentity::pid);
    }

    private Optional<String[]> readPidFile() {
        try {
            String[] f = Files.readString(stateDir.resolve(PID_FILE), StandardCharsets.UTF_8).strip().split(" ", 3);
            if (f.length == 3 && f[0].matches("\\d+:\\d+")) {
                return Optional.of(f);
            }
        } catch (IOException e) {
            // none yet
        }
        return Optional.empty();
    }

    /** Whether {@code pid} runs this state directory's watchdog script (not some process that reused the PID). */
    private boolean isWatchdog(long pid) {
        try {
            String cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8);
            return cmdline.contains(script.toString());
        } catch (IOException e) {
            return false;
        }
    }

    // ---- the files the watchdog reads and writes in a unit's directory ---------------------------

    /** Writes the unit's kill settings where the watchdog reads them. */
    static void writeKillSettings(Path unitDir, ServiceSpec.KillSettings kill) throws IOException {
        double timeout = kill.timeout().map(d -> d.toNanos() / 1e9).orElse(0.0);
        RecordFiles.atomicWrite(unitDir.resolve(KILL_FILE), String.format(java.util.Locale.ROOT,
                "signal=%d final=%d timeout=%.3f sigkill=%d%n", kill.signal(), kill.finalSignal(), timeout,
                kill.sendSigkill() ? 1 : 0));
    }

    /** Why the watchdog fenced the unit, when it did (its marker exists). */
    static Optional<String> fenced(Path unitDir) {
        try {
            return Optional.of(Files.readString(unitDir.resolve(UNIT_MARKER), StandardCharsets.UTF_8).strip())
                    .map(s -> s.isEmpty() ? "fenced by the watchdog" : s);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Removes the unit's fence marker (an explicit start, or forgetting the unit). */
    static void clearFenced(Path unitDir) throws IOException {
        Files.deleteIfExists(unitDir.resolve(UNIT_MARKER));
    }
}
