package dev.flotilla.runtime;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import dev.flotilla.unit.UnitName;

/**
 * Runs the units of some unit types on this machine: the plugin an agent reconciles against
 * (Nomad's driver plugins, shaped by systemd's states). Implementations: the exec runtime
 * ({@code .service}: processes) and the Docker runtime ({@code .container}).
 *
 * <p>Lifecycle of the runtime itself: open it over a state directory, call {@link #adopt()} once to
 * take over what a previous instance left running, use it, {@link #close()} it. Closing (or the
 * agent dying) never stops units: that is what makes agent restarts invisible to them.
 *
 * <p>Operations on units are asynchronous: {@link #start} and {@link #stop} return once the request
 * is accepted and persisted; progress is reported through {@link #status} and {@link
 * UnitStateListener}s, and the returned stage completes when the job is done. Problems of a unit
 * (a bad setting, a failing command, a timeout) are reported as a failed state with a reason,
 * never thrown. All methods are thread-safe.
 */
public interface Runtime extends AutoCloseable {

    /** The unit types (name suffixes without the dot) this runtime runs, e.g. {@code service}. */
    Set<String> unitTypes();

    /**
     * Takes over the units a previous runtime over the same state directory left behind: running
     * processes are adopted untouched (same PIDs, journal continues, their exit is still noticed),
     * stopped units keep their last state. Idempotent: later calls return the same units' current
     * statuses. Other operations adopt implicitly when this was not called first.
     *
     * @return the status of every unit found, running or not
     * @throws UnitOperationException when the state directory cannot be read
     */
    List<UnitStatus> adopt() throws UnitOperationException;

    /**
     * Starts a unit (systemd's {@code start}): a no-op when it is already active or activating, even
     * with another definition (use {@link #restart} to run a changed one). Resets the automatic
     * restart count and the start limit.
     *
     * @return completes with the status once the start job is done: active (running or exited),
     *     or inactive/failed when the start failed or a oneshot unit finished
     * @throws UnitOperationException when the runtime is closed or cannot persist the unit
     * @throws IllegalArgumentException when the unit's type is not one of {@link #unitTypes()}
     */
    CompletionStage<UnitStatus> start(StartRequest request) throws UnitOperationException;

    /**
     * Stops a unit (systemd's {@code stop}): stop commands, the kill signal to every process of the
     * unit, SIGKILL after the stop timeout, post-stop commands. A no-op for an unknown or settled unit.
     *
     * @return completes once nothing of the unit runs (inactive/dead, or failed when stopping failed)
     * @throws UnitOperationException when the runtime is closed
     */
    CompletionStage<UnitStatus> stop(UnitName unit) throws UnitOperationException;

    /**
     * Stops the unit if it runs, then starts it with {@code request}'s definition (which may differ).
     *
     * @return completes like {@link #start}'s stage for the new run
     * @throws UnitOperationException when the runtime is closed or cannot persist the unit
     */
    CompletionStage<UnitStatus> restart(StartRequest request) throws UnitOperationException;

    /** The unit's current status, or empty when this runtime does not know it. Never blocks on processes. */
    Optional<UnitStatus> status(UnitName unit);

    /** The statuses of every unit this runtime knows, sorted by name. */
    List<UnitStatus> statuses();

    /**
     * Forgets a settled unit (inactive or failed): it leaves {@link #statuses()}; its journal is kept
     * until the unit runs again or the state directory is cleaned.
     *
     * @throws UnitOperationException when the unit is still active or activating, or its record
     *     cannot be deleted
     */
    void forget(UnitName unit) throws UnitOperationException;

    /**
     * The last {@code lines} lines of the unit's journal, oldest first (empty for an unknown unit).
     *
     * @throws UnitOperationException when the journal cannot be read
     */
    List<JournalEntry> journal(UnitName unit, int lines) throws UnitOperationException;

    /**
     * Follows the unit's journal ({@code journal -f}): first the last {@code lines} lines, then every
     * new line as it is read, on a runtime thread, in order, until the subscription is closed.
     *
     * @throws UnitOperationException when the journal cannot be read
     */
    Subscription followJournal(UnitName unit, int lines, Consumer<JournalEntry> consumer) throws UnitOperationException;

    /**
     * What the runtime can tell a person about the unit beyond its {@link UnitStatus}, for {@code flotilla
     * status}: for a container its ID, image, ports, health and top processes. Labels in display order mapped
     * to one or more lines of text. May ask the host (the container engine) and take a moment; never fails:
     * what cannot be read is said in a value. Empty for an unknown unit, and by default.
     */
    default Map<String, String> details(UnitName unit) {
        return Map.of();
    }

    /**
     * The engine's own description of the unit's container ({@code docker inspect}'s JSON), for {@code
     * flotilla inspect}. Empty when the unit has none: unknown here, not a container, or no container now; and
     * by default.
     *
     * @throws UnitOperationException when the engine cannot be asked (the message says why)
     */
    default Optional<String> inspect(UnitName unit) throws UnitOperationException {
        return Optional.empty();
    }

    /** Registers a listener for every unit's state changes; close the subscription to remove it. */
    Subscription subscribe(UnitStateListener listener);

    /**
     * Arms this runtime's fencing watchdog over the agent's {@link Heartbeat} file: a process of
     * its own, which outlives this JVM, and stops every unit of the runtime (kill signal, then
     * {@code SIGKILL} after the unit's stop timeout) once the heartbeat's {@link Heartbeat#fenceAt()}
     * has passed; it then writes {@link Heartbeat#fencedMarker}, and the units it stopped are
     * adopted as stopped (their {@code Restart=} does not apply). A watchdog already running for
     * this state directory is kept (an agent restarted in time adopts it with its units); one of
     * another version is replaced. Idempotent and cheap: the agent calls it after every heartbeat it
     * writes, so that a watchdog that exited (it does once nothing is left to guard) comes back.
     *
     * <p>The default does nothing: the units of such a runtime are not fenced when the agent dies.
     *
     * @throws UnitOperationException when the watchdog cannot be started
     */
    default void armWatchdog(java.nio.file.Path heartbeat) throws UnitOperationException {
    }

    /**
     * Releases the runtime's threads and files. Units keep running (a new runtime adopts them);
     * stop them first to end them. Operations after close throw {@link UnitOperationException}.
     */
    @Override
    void close();
}
