package dev.flotilla.runtime.exec;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds every process of a unit, to signal and to wait for: the descendants of its live shims
 * (each shim is a child subreaper, so even double-forked daemons stay below it), the members of
 * the shims' sessions, the members of the unit's cgroups, and a forking service's main process.
 * The shims themselves are left out: they ignore stop signals and end on their own once nothing
 * below them is left. Stateless.
 */
final class UnitProcesses {

    private static final long SELF = ProcessHandle.current().pid();

    private UnitProcesses() {}

    /** Live invocations of the unit (their shim still runs). */
    static List<Invocation> liveInvocations(Path runDir) {
        List<Invocation> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(runDir, "*.inv")) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                try {
                    Invocation.load(runDir, Long.parseLong(n.substring(0, n.length() - 4)))
                            .filter(i -> i.shim.alive()).ifPresent(out::add);
                } catch (NumberFormatException e) {
                    // not ours
                }
            }
        } catch (IOException e) {
            // no run directory: nothing runs
        }
        return out;
    }

    /** Every live process of the unit, shims excluded. */
    static Set<Long> all(Path runDir, List<Path> cgroups, Optional<ProcessIdentity> mainProcess) {
        List<Invocation> live = liveInvocations(runDir);
        Set<Long> shims = new LinkedHashSet<>();
        live.forEach(i -> shims.add(i.shim.pid()));
        List<ProcStat> table = ProcessTable.fresh();
        Set<Long> out = new LinkedHashSet<>(ProcStat.descendants(table, shims));
        for (ProcStat p : table) {
            if (!p.isGone() && shims.contains(p.session())) {
                out.add(p.pid());
            }
        }
        for (long pid : Cgroups.members(cgroups)) {
            ProcStat.read(pid).filter(s -> !s.isGone()).ifPresent(s -> out.add(pid));
        }
        mainProcess.filter(ProcessIdentity::alive).ifPresent(id -> out.add(id.pid()));
        out.removeAll(shims);
        out.remove(SELF);
        return out;
    }

    /** The main process when it is alive: what {@code KillMode=process} (and {@code mixed} at first) stops. */
    static Set<Long> mainOnly(Optional<ProcessIdentity> main) {
        Set<Long> out = new LinkedHashSet<>();
        main.filter(ProcessIdentity::alive).ifPresent(id -> out.add(id.pid()));
        return out;
    }

    /** Sends {@code signal} to each PID; processes that are gone already are skipped silently. */
    static void signal(Collection<Long> pids, int signal) {
        for (long pid : pids) {
            if (pid > 1 && pid != SELF) {
                Posix.kill(pid, signal);
            }
        }
    }
}
