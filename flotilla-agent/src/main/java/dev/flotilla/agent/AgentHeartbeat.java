package dev.flotilla.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.runtime.Heartbeat;
import dev.flotilla.runtime.Runtime;
import dev.flotilla.runtime.UnitOperationException;

/**
 * The agent's side of the dead man's switch: writes {@code <data-dir>/heartbeat} ({@link Heartbeat})
 * and arms every runtime's fencing watchdog over it after each write, reads what a previous agent
 * left there, and notices when a watchdog fenced ({@code heartbeat.fenced}). What is written:
 *
 * <ul>
 *   <li>while the lease is held: {@code held} = the lease's valid-until (send time of the last
 *       keep-alive that succeeded plus the TTL), {@code fence} = {@code held} minus half the fencing
 *       margin, so that a living agent, which fences itself one margin before {@code held}, always
 *       comes first, and a dead one's units still get their stop signal before {@code held};</li>
 *   <li>while the agent stops units itself (a fence): {@code fence} = now plus one TTL, renewed on
 *       every fencing check, so that the watchdog steps in only if the agent dies mid-fence;</li>
 *   <li>on a drain: {@code fence} = now, {@code linger} = 0: the watchdog stops anything left and exits.</li>
 * </ul>
 *
 * Failures to write are logged (once per kind until a write succeeds), never thrown: the lease and
 * the agent's own fencing still hold. Thread-safe.
 */
final class AgentHeartbeat {

    private static final Logger LOG = LoggerFactory.getLogger(AgentHeartbeat.class);

    private final Path file;
    private final Path fencedMarker;
    private final Runtimes runtimes;
    private final Duration grace;
    private final Duration poll;
    private final Duration linger;
    private boolean failing; // guarded by this

    /**
     * @param dataDir  the agent's data directory
     * @param runtimes whose watchdogs to arm
     * @param margin   the fencing margin: the agent fences that long before its lease may expire
     * @param ttl      the lease TTL
     */
    AgentHeartbeat(Path dataDir, Runtimes runtimes, Duration margin, Duration ttl) {
        this.file = dataDir.resolve(Heartbeat.FILE).toAbsolutePath().normalize();
        this.fencedMarker = Heartbeat.fencedMarker(file);
        this.runtimes = runtimes;
        this.grace = margin.dividedBy(2);
        this.poll = Duration.ofMillis(Math.clamp(grace.toMillis(), 20, 100));
        this.linger = ttl.multipliedBy(2).compareTo(Duration.ofSeconds(5)) < 0 ? Duration.ofSeconds(5) : ttl.multipliedBy(2);
    }

    /** The file. */
    Path file() {
        return file;
    }

    /**
     * How much longer a previous agent's lease is surely held, as its heartbeat says (negative once
     * past); empty when there is no heartbeat of this boot (a first start, or after a reboot).
     */
    Optional<Duration> previousHeldFor() {
        try {
            return Heartbeat.read(file).map(Heartbeat::heldFor);
        } catch (UncheckedIOException e) {
            LOG.warn("cannot read the previous heartbeat {}: {}", file, e.getCause().getMessage());
            return Optional.of(Duration.ZERO);
        }
    }

    /** What the watchdog wrote when it fenced this machine's units, if it did since the last {@link #clearFenced()}. */
    Optional<String> fencedByWatchdog() {
        try {
            return Optional.of(Files.readString(fencedMarker, StandardCharsets.UTF_8).strip());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("the fencing watchdog fenced (" + fencedMarker + " is unreadable: " + e.getMessage() + ")");
        }
    }

    /** Forgets that the watchdog fenced (the agent has fenced too). */
    void clearFenced() {
        try {
            Files.deleteIfExists(fencedMarker);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", fencedMarker, e.getMessage());
        }
    }

    /** The lease is surely held for {@code heldFor} more: the watchdog fences a little before that. */
    void held(Duration heldFor) {
        write(Heartbeat.of(heldFor, heldFor.minus(grace), poll, linger));
    }

    /** The agent stops the units itself: the watchdog waits one {@code ttl}, unless written again. */
    void fencing(Duration heldFor, Duration ttl) {
        write(Heartbeat.of(heldFor, ttl, poll, linger));
    }

    /** The machine leaves: the watchdog stops anything left at once, then exits. */
    void retire() {
        write(Heartbeat.of(Duration.ZERO, Duration.ofSeconds(-1), poll, Duration.ZERO));
    }

    private synchronized void write(Heartbeat heartbeat) {
        try {
            heartbeat.write(file);
        } catch (IOException | UncheckedIOException e) {
            if (!failing) {
                LOG.error("cannot write the heartbeat {}: a watchdog will fence this machine's units as if the agent"
                        + " were dead: {}", file, e.getMessage());
            }
            failing = true;
            return;
        }
        if (failing) {
            LOG.info("the heartbeat {} is written again", file);
            failing = false;
        }
        for (Runtime runtime : runtimes.all()) {
            try {
                runtime.armWatchdog(file);
            } catch (UnitOperationException | RuntimeException e) {
                LOG.error("cannot arm the fencing watchdog of {}: its units are not fenced if the agent dies: {}",
                        runtime.unitTypes(), e.getMessage());
            }
        }
    }
}
