package dev.flotilla.runtime.exec;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;

import dev.flotilla.runtime.ProcessExit;
import dev.flotilla.runtime.support.RecordFiles;

/**
 * One run of one command of a unit, seen through the files its shim keeps in the unit's run
 * directory ({@code <seq>.inv} written by the launcher; {@code <seq>.pid} and {@code <seq>.exits}
 * by the shim; {@code <seq>.out} its output). Works the same whether this runtime launched it
 * (then the shim is a child and its exit wakes the unit at once) or adopted it after a restart.
 * Thread-safe: the files are the state; the main PID is cached once known.
 */
final class Invocation {

    final long seq;
    final String role;
    final String command;
    final String identifier;
    final ProcessIdentity shim;
    private final Path runDir;
    private final Optional<Process> process;
    private volatile long mainPid = -1;

    Invocation(Path runDir, long seq, String role, String command, String identifier, ProcessIdentity shim,
            Optional<Process> process) {
        this.runDir = runDir;
        this.seq = seq;
        this.role = role;
        this.command = command;
        this.identifier = identifier;
        this.shim = shim;
        this.process = process;
    }

    /** Reads the launcher's record of invocation {@code seq}; empty when it was never written or is gone. */
    static Optional<Invocation> load(Path runDir, long seq) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(runDir.resolve(seq + ".inv"), StandardCharsets.UTF_8)) {
            p.load(r);
            return Optional.of(new Invocation(runDir, seq, p.getProperty("role"), p.getProperty("command"),
                    p.getProperty("identifier"), ProcessIdentity.decode(p.getProperty("shim")), Optional.empty()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    void save() throws IOException {
        Properties p = new Properties();
        p.setProperty("role", role);
        p.setProperty("command", command);
        p.setProperty("identifier", identifier);
        p.setProperty("shim", shim.encode());
        java.io.StringWriter w = new java.io.StringWriter();
        p.store(w, null);
        RecordFiles.atomicWrite(runDir.resolve(seq + ".inv"), w.toString());
    }

    /** The launched shim's process, when this runtime launched it (not after adoption). */
    Optional<Process> process() {
        return process;
    }

    /** The command's PID, once the shim has written it. */
    OptionalLong mainPid() {
        if (mainPid < 0) {
            try {
                mainPid = Long.parseLong(Files.readString(runDir.resolve(seq + ".pid")).strip());
            } catch (IOException | NumberFormatException e) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.of(mainPid);
    }

    /** How process {@code pid} ended, when the shim reaped it (the command or an orphan it inherited). */
    Optional<ProcessExit> exitOf(long pid) {
        try {
            String prefix = pid + " ";
            for (String line : Files.readAllLines(runDir.resolve(seq + ".exits"))) {
                if (line.startsWith(prefix)) {
                    return Optional.of(UnitRecord.decodeExit(line.substring(prefix.length())));
                }
            }
        } catch (IOException | RuntimeException e) {
            // no exits yet
        }
        return Optional.empty();
    }

    /** Whether the shim still runs, i.e. some process of this invocation is alive. */
    boolean shimAlive() {
        return process.map(Process::isAlive).orElseGet(shim::alive);
    }

    /**
     * How the command ended, once it has: its recorded exit, or {@link ProcessExit.Unknown} when the
     * shim is gone without recording one (it was killed).
     */
    Optional<ProcessExit> mainExit() {
        OptionalLong pid = mainPid();
        if (pid.isPresent()) {
            Optional<ProcessExit> exit = exitOf(pid.getAsLong());
            if (exit.isPresent()) {
                return exit;
            }
        }
        if (shimAlive()) {
            return Optional.empty();
        }
        if (pid.isPresent()) {
            // the shim may have written the line just before exiting
            Optional<ProcessExit> exit = exitOf(pid.getAsLong());
            if (exit.isPresent()) {
                return exit;
            }
            // the shim was killed: the command may live on, re-parented (started after the shim, so
            // an older process with that PID is someone else's)
            if (ProcessIdentity.of(pid.getAsLong()).filter(id -> id.startTime() >= shim.startTime()).isPresent()) {
                return Optional.empty();
            }
        }
        return Optional.of(new ProcessExit.Unknown());
    }

    Path output() {
        return runDir.resolve(seq + ".out");
    }
}
