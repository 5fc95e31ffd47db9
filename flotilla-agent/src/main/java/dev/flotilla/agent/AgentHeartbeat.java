package dev.flotilla.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

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
 * <p>Writes happen in order on a platform thread of their own, never on the caller's: the lease's
 * renewer hands each valid-until over and goes back to renewing (it must not wait for a disk or
 * for a watchdog to start). Instants are on the agent's lease clock and turned into boot-clock
 * seconds when written. Failures to write are logged (once until a write succeeds), never thrown:
 * the lease and the agent's own fencing still hold. Thread-safe.
 */
final class AgentHeartbeat implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AgentHeartbeat.class);

    private final Path file;
    private final Path fencedMarker;
    private final Runtimes runtimes;
    private final InstantSource leaseClock;
    private final Duration grace;
    private final Duration poll;
    private final Duration linger;
    private final ExecutorService writer;
    private boolean failing; // confined to the writer thread

    /**
     * @param dataDir    the agent's data directory
     * @param runtimes   whose watchdogs to arm
     * @param leaseClock the clock the lease's instants are on
     * @param margin     the fencing margin: the agent fences that long before its lease may expire
     * @param ttl        the lease TTL
     * @param name       names the writer thread
     */
    AgentHeartbeat(Path dataDir, Runtimes runtimes, InstantSource leaseClock, Duration margin, Duration ttl, String name) {
        this.file = dataDir.resolve(Heartbeat.FILE).toAbsolutePath().normalize();
        this.fencedMarker = Heartbeat.fencedMarker(file);
        this.runtimes = runtimes;
        this.leaseClock = leaseClock;
        this.grace = margin.dividedBy(2);
        this.poll = Duration.ofMillis(Math.clamp(grace.toMillis(), 20, 100));
        this.linger = ttl.multipliedBy(2).compareTo(Duration.ofSeconds(5)) < 0 ? Duration.ofSeconds(5) : ttl.multipliedBy(2);
        this.writer = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name(name).factory());
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
        if (!Files.exists(fencedMarker)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(fencedMarker, StandardCharsets.UTF_8).strip());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("(" + fencedMarker + " is unreadable: " + e.getMessage() + ")");
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

    /** The lease is surely held until {@code heldUntil} (lease clock): the watchdog fences a little before. */
    void held(Instant heldUntil) {
        submit(() -> {
            Duration left = Duration.between(leaseClock.instant(), heldUntil);
            return Heartbeat.of(left, left.minus(grace), poll, linger);
        });
    }

    /** The agent stops the units itself: the watchdog waits {@code ttl} from now, unless written again. */
    void fencing(Duration ttl) {
        submit(() -> Heartbeat.of(Duration.ZERO, ttl, poll, linger));
    }

    /** The machine leaves: the watchdog stops anything left at once, then exits. */
    void retire() {
        submit(() -> Heartbeat.of(Duration.ZERO, Duration.ofSeconds(-1), poll, Duration.ZERO));
    }

    /** Waits until every write asked for so far is done (at most 10 s). */
    void flush() {
        try {
            writer.submit(() -> { }).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            LOG.warn("heartbeat writes not flushed: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Finishes the writes asked for, then stops the writer. Idempotent. */
    @Override
    public void close() {
        flush();
        writer.shutdown();
    }

    private void submit(Supplier<Heartbeat> heartbeat) {
        try {
            writer.execute(() -> write(heartbeat));
        } catch (RejectedExecutionException e) {
            // closed: the agent is gone; the last heartbeat written stands
        }
    }

    private void write(Supplier<Heartbeat> heartbeat) {
        try {
            heartbeat.get().write(file);
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
