package dev.flotilla.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.registry.MachineId;
import dev.flotilla.runtime.ActiveState;
import dev.flotilla.runtime.JournalEntry;
import dev.flotilla.runtime.Runtime;
import dev.flotilla.runtime.Subscription;
import dev.flotilla.runtime.UnitOperationException;
import dev.flotilla.runtime.UnitStateListener;
import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.unit.MachineFacts;
import dev.flotilla.unit.UnitDefinition;
import dev.flotilla.unit.UnitName;

/**
 * The agent of one machine: keeps its identity and its lease, registers it, and makes its runtimes
 * run what the registry places on it (plus the global units whose metadata matches), publishing
 * every unit's state. See docs/agent.md.
 *
 * <p>Lifecycle: construct (no I/O), {@link #start()} once (opens the data directory and the
 * runtimes, adopts the units they already run, then joins the cluster in the background), and
 * {@link #close()} (the units keep running, so that a new agent over the same data directory adopts
 * them) or {@link #drainAndClose(Duration)} (stops every unit and leaves the cluster at once).
 * While cut off from the store it keeps units running until its lease may have expired, then
 * fences (stops them) and rejoins when the store is back.
 *
 * <p>Seams: the engine subscribes ({@link #subscribe}) and campaigns on the lease of each
 * {@link AgentEvent.Joined}, stopping at {@link AgentEvent.Fenced}; the API server sets the URL it
 * serves at ({@link #setApiUrl}) and answers unit status, journal and inspect requests through
 * {@link #unitStatus}, {@link #unitDetails}, {@link #journal}, {@link #followJournal} and {@link #inspect}.
 *
 * <p>Thread-safe: every method may be called from any thread (except {@link #close} and
 * {@link #drainAndClose} from a listener of this agent).
 */
public final class Agent implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    private enum Life { NEW, STARTED, CLOSED }

    private final AgentConfig config;
    private final AtomicReference<Life> life = new AtomicReference<>(Life.NEW);
    private final Map<UnitName, UnitDefinition> loaded = new ConcurrentHashMap<>();
    private volatile DataDir dataDir;
    private volatile MachineId id;
    private volatile Runtimes runtimes;
    private volatile AgentHeartbeat heartbeat;
    private volatile AgentEvents events;
    private volatile AgentLoop loop;
    private volatile Subscription runtimeListener;
    private volatile AutoCloseable connectionListener;

    /** An agent for {@code config}; nothing happens until {@link #start()}. */
    public Agent(AgentConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Starts the agent: locks the data directory, reads (or creates) the machine ID, opens the
     * runtimes and adopts the units they run (untouched: same processes), then returns while the
     * agent joins the cluster in the background ({@link #awaitJoined}). A store that does not
     * answer is no failure: the agent keeps trying, and fences adopted units after one lease TTL.
     *
     * @throws AgentStartException when the data directory is unusable or held by another agent, the
     *     machine ID file is malformed, or a runtime cannot open or adopt (everything opened so far
     *     is closed again)
     * @throws IllegalStateException when called a second time
     */
    public void start() throws AgentStartException {
        if (!life.compareAndSet(Life.NEW, Life.STARTED)) {
            throw new IllegalStateException("an agent starts once; this one is " + life.get());
        }
        MonotonicClock leaseClock = MonotonicClock.anchoredTo(config.clock());
        Instant startingUntil;
        try {
            dataDir = DataDir.open(config.dataDir());
            id = dataDir.machineId();
            runtimes = Runtimes.open(config.runtimes(), dataDir, config.clock(), id.value());
            heartbeat = new AgentHeartbeat(dataDir.path(), runtimes, leaseClock,
                    FencingPolicy.checkInterval(config.leaseTtl()), config.leaseTtl(),
                    "flotilla-heartbeat-" + id.shortId());
            Duration startingWindow = startingWindow(heartbeat);
            startingUntil = leaseClock.instant().plus(startingWindow);
            heartbeat.held(startingUntil); // and arms the runtimes' watchdogs, before adopting
            heartbeat.flush();
            List<UnitStatus> adopted = runtimes.adopt();
            if (adopted.stream().allMatch(UnitStatus::isSettled) && startingWindow.compareTo(config.leaseTtl()) < 0) {
                startingUntil = leaseClock.instant().plus(config.leaseTtl()); // nothing runs: nothing to fence yet
                heartbeat.clearFenced();
                heartbeat.held(startingUntil);
            }
            LOG.info("machine {} starts with {} unit(s) adopted from {}", id, adopted.size(), config.dataDir());
        } catch (IOException e) {
            closeQuietly();
            throw new AgentStartException("cannot use the agent's data directory " + config.dataDir() + ": "
                    + e.getMessage(), e);
        } catch (UnitOperationException e) {
            closeQuietly();
            throw new AgentStartException("cannot open the runtimes in " + config.dataDir() + ": " + e.getMessage(), e);
        }
        events = new AgentEvents("flotilla-agent-" + id.shortId() + "-events");
        loop = new AgentLoop(config, id, runtimes, facts(id), loaded, events, heartbeat, leaseClock);
        runtimeListener = runtimes.subscribe(status -> loop.requestPass());
        connectionListener = config.store().addConnectionStateListener((previous, current) ->
                loop.connectionChanged(current));
        loop.start(startingUntil);
    }

    /**
     * How long the units adopted at start may run before the agent has joined: one TTL (a lease of
     * the previous run may hold them that long), but no longer than the previous run's heartbeat
     * says its lease is held, and not at all when its watchdog has fenced them already.
     */
    private Duration startingWindow(AgentHeartbeat beat) {
        if (beat.fencedByWatchdog().isPresent()) {
            return Duration.ZERO;
        }
        Duration ttl = config.leaseTtl();
        return beat.previousHeldFor().map(held -> held.isNegative() ? Duration.ZERO : held)
                .filter(held -> held.compareTo(ttl) < 0).orElse(ttl);
    }

    /**
     * The machine's ID (read or created by {@link #start()}).
     *
     * @throws IllegalStateException before {@link #start()}
     */
    public MachineId machineId() {
        MachineId machine = id;
        if (machine == null) {
            throw new IllegalStateException("the machine ID is known once the agent has started");
        }
        return machine;
    }

    /**
     * Where the agent is now: phase, lease, store connection, unit counts, last fence.
     *
     * @throws IllegalStateException before {@link #start()}
     */
    public AgentStatus status() {
        return started().status();
    }

    /**
     * Waits until the agent has joined (registered on a live lease), at most {@code timeout}.
     * Returns whether it has; false also when it was closed.
     *
     * @throws InterruptedException when interrupted while waiting
     * @throws IllegalStateException before {@link #start()}
     */
    public boolean awaitJoined(Duration timeout) throws InterruptedException {
        return started().awaitJoined(timeout);
    }

    /**
     * Registers {@code url} as the address of this machine's API (now if joined, else when it
     * joins). The API server calls this once it listens.
     *
     * @throws IllegalStateException before {@link #start()}
     */
    public void setApiUrl(String url) {
        started().setApiUrl(Objects.requireNonNull(url, "url"));
    }

    /**
     * Subscribes to the agent's {@link AgentEvent}s; close the subscription to stop. Events that
     * happened before are not replayed: read {@link #status()} after subscribing.
     *
     * @throws IllegalStateException before {@link #start()}
     */
    public Subscription subscribe(AgentListener listener) {
        started();
        return events.subscribe(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Subscribes to every state change of every unit of this machine's runtimes (for an events
     * stream or metrics). The listener runs on runtime threads and must return quickly.
     *
     * @throws IllegalStateException before {@link #start()}
     */
    public Subscription subscribeUnitStates(UnitStateListener listener) {
        started();
        return runtimes.subscribe(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * How many units this machine holds in each systemd active state ({@code active}, {@code failed}, ...; every
     * state is present, 0 when none): the units its runtimes know, and the units merely loaded here
     * ({@code inactive}). Read from memory, for metrics; never blocks on the store.
     *
     * @throws IllegalStateException before {@link #start()}
     */
    public Map<String, Integer> unitsByActiveState() {
        started();
        Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        for (ActiveState state : ActiveState.values()) {
            counts.put(state.systemdName(), 0);
        }
        Map<UnitName, UnitStatus> statuses = runtimes.statuses();
        statuses.values().forEach(s -> counts.merge(s.active().systemdName(), 1, Integer::sum));
        loaded.keySet().stream().filter(u -> !statuses.containsKey(u))
                .forEach(u -> counts.merge(ActiveState.INACTIVE.systemdName(), 1, Integer::sum));
        return counts;
    }

    /**
     * The unit's status on this machine: its runtime's when it was launched here, loaded/inactive
     * when it is merely loaded here, empty when this machine does not hold it.
     *
     * @throws IllegalStateException before {@link #start()}
     */
    public Optional<UnitStatus> unitStatus(UnitName unit) {
        started();
        Optional<UnitStatus> status = runtimes.forUnit(unit).flatMap(r -> r.status(unit));
        if (status.isPresent() || !loaded.containsKey(unit)) {
            return status;
        }
        return Optional.of(UnitStatus.inactive(unit, config.clock().instant()));
    }

    /**
     * What the unit's runtime adds to its status for people (for a container: ID, image, ports, health, top
     * processes), in display order; empty when no runtime of this machine knows the unit. May ask the
     * container engine; never fails (what cannot be read is said in the values).
     *
     * @throws IllegalStateException before {@link #start()}
     */
    public Map<String, String> unitDetails(UnitName unit) {
        started();
        return runtimes.forUnit(unit).map(r -> r.details(unit)).orElse(Map.of());
    }

    /**
     * The container engine's inspect JSON of the unit's container on this machine; empty when the unit has
     * none here (not run here, not a container, or no container now).
     *
     * @throws UnitOperationException when the engine cannot be asked
     * @throws IllegalStateException before {@link #start()}
     */
    public Optional<String> inspect(UnitName unit) throws UnitOperationException {
        started();
        Optional<Runtime> runtime = runtimes.forUnit(unit);
        return runtime.isEmpty() ? Optional.empty() : runtime.get().inspect(unit);
    }

    /**
     * The last {@code lines} lines of the unit's journal on this machine, oldest first; empty when
     * it never ran here.
     *
     * @throws UnitOperationException when the journal cannot be read
     * @throws IllegalStateException before {@link #start()}
     */
    public List<JournalEntry> journal(UnitName unit, int lines) throws UnitOperationException {
        started();
        Optional<Runtime> runtime = runtimes.forUnit(unit);
        return runtime.isEmpty() ? List.of() : runtime.get().journal(unit, lines);
    }

    /**
     * Follows the unit's journal on this machine: the last {@code lines} lines, then each new one,
     * until the subscription is closed.
     *
     * @throws UnitOperationException when the unit never ran here or its journal cannot be read
     * @throws IllegalStateException before {@link #start()}
     */
    public Subscription followJournal(UnitName unit, int lines, Consumer<JournalEntry> consumer)
            throws UnitOperationException {
        started();
        Runtime runtime = runtimes.forUnit(unit).orElseThrow(() -> new UnitOperationException(
                "no runtime on this machine runs ." + unit.type() + " units (" + unit + ")"));
        return runtime.followJournal(unit, lines, consumer);
    }

    /**
     * Stops every unit of this machine (waiting up to {@code timeout} for them to stop), revokes the
     * lease so that the cluster takes the machine as gone at once (the engine moves its units), then
     * closes. For dev mode's shutdown and for taking a machine out of service. Listeners see an
     * {@link AgentEvent.Fenced}. Closes even when units did not stop in time (they are logged).
     */
    public void drainAndClose(Duration timeout) {
        AgentLoop l = loop;
        if (l != null && life.get() == Life.STARTED) {
            try {
                l.fence("the agent is draining", true).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                LOG.warn("machine {}: units still stopping after {}: {}", id, timeout, runtimes.statuses().values());
            } catch (ExecutionException e) {
                LOG.warn("machine {}: stopping units failed", id, e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            l.revokeLastLease();
            l.retireHeartbeat();
        }
        close();
    }

    /**
     * Closes the agent: stops reconciling and renewing (the lease expires after its TTL unless a
     * new agent over the same data directory registers first), closes the runtimes without stopping
     * units, and unlocks the data directory. Idempotent.
     */
    @Override
    public void close() {
        if (life.getAndSet(Life.CLOSED) == Life.CLOSED) {
            return;
        }
        closeQuietly();
    }

    /**
     * Closes what exists, in order: listeners, the loop, the heartbeat (its last writes arm the
     * runtimes' watchdogs), event delivery, runtimes, the data directory.
     */
    private void closeQuietly() {
        for (AutoCloseable part : new AutoCloseable[] {runtimeListener, connectionListener, loop, heartbeat, events,
                runtimes, dataDir}) {
            if (part == null) {
                continue;
            }
            try {
                part.close();
            } catch (Exception e) { // AutoCloseable declares Exception; no part may stop the others closing
                LOG.warn("closing {} failed", part, e);
            }
        }
    }

    private AgentLoop started() {
        AgentLoop l = loop;
        if (l == null) {
            throw new IllegalStateException("the agent has not started (call start())");
        }
        return l;
    }

    private MachineFacts facts(MachineId machine) {
        return new MachineFacts(machine.value(), config.hostname(), bootId(), Optional.of(config.publicIp()),
                Optional.empty(), config.metadata());
    }

    /** The kernel's boot ID without dashes, as systemd's {@code %b}; zeros when there is none. */
    private static String bootId() {
        try {
            String id = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip().replace("-", "");
            return id.isEmpty() ? "0".repeat(32) : id;
        } catch (IOException e) {
            return "0".repeat(32);
        }
    }
}
