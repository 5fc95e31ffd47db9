package dev.flotilla.runtime.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;

/**
 * Finds the main process of a {@code Type=forking} service once its start command has returned:
 * the PID in {@code PIDFile=} (waiting for the file until the start deadline), else the oldest
 * process left behind by the start command (re-parented to the shim, which is a child subreaper,
 * or still in its session). Stateless.
 */
final class ForkingMain {

    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

    private ForkingMain() {}

    static Optional<ProcessIdentity> find(ServiceSpec spec, Invocation forker, ServiceUnit unit, Optional<Instant> deadline) {
        if (spec.pidFile().isPresent()) {
            Path file = Path.of(spec.pidFile().get());
            Instant until = deadline.orElse(unit.services.clock().instant().plus(DEFAULT_WAIT));
            unit.await(() -> readPid(file).flatMap(ProcessIdentity::of).isPresent(), Optional.of(until), true,
                    Duration.ofMillis(50));
            Optional<ProcessIdentity> found = readPid(file).flatMap(ProcessIdentity::of);
            if (found.isEmpty()) {
                unit.note("PIDFile=" + file + " names no running process; the unit has no main process");
            }
            return found;
        }
        long shim = forker.shim.pid();
        return ProcessTable.fresh().stream()
                .filter(p -> !p.isGone() && p.pid() != shim && (p.ppid() == shim || p.session() == shim))
                .min(Comparator.comparingLong(ProcStat::startTime).thenComparingLong(ProcStat::pid))
                .map(p -> new ProcessIdentity(p.pid(), p.startTime()));
    }

    private static Optional<Long> readPid(Path file) {
        try {
            return Optional.of(Long.parseLong(Files.readString(file).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
