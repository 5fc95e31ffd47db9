package dev.flotilla.runtime.support;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.runtime.JournalEntry;
import dev.flotilla.runtime.Runtime;
import dev.flotilla.runtime.StartRequest;
import dev.flotilla.runtime.Subscription;
import dev.flotilla.runtime.UnitOperationException;
import dev.flotilla.runtime.UnitStateListener;
import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.unit.InvalidUnitNameException;
import dev.flotilla.unit.UnitName;

/**
 * The bookkeeping every {@link Runtime} over a state directory shares, whatever runs its units: the units
 * it knows by name, one directory each in the state directory (named after the unit, with a {@code
 * state.properties} record once the unit has run, and its {@link UnitJournal}); adoption of the units a
 * previous runtime left there, once, under a lock that also guards the creation of units; status, forget and
 * the journal; the state listeners; and the closed flag. The exec runtime and the Docker runtime extend it;
 * a subclass says how a unit is adopted from its directory, how a new one is made, what its status and
 * journal are and how its state is deleted, and does the rest of {@link Runtime} (start, stop, restart,
 * close) itself.
 *
 * <p>Thread-safe: units are created and adopted under {@link #adoptLock}; the unit map is concurrent.
 *
 * @param <U> the runtime's unit class
 */
public abstract class StateDirectoryRuntime<U> implements Runtime {

    /** The units this runtime knows, by name; put into only under {@link #adoptLock}. */
    protected final Map<UnitName, U> units = new ConcurrentHashMap<>();
    /** Serialises adoption and the creation of units. */
    protected final Object adoptLock = new Object();

    private final Logger log = LoggerFactory.getLogger(getClass());
    private final List<UnitStateListener> listeners = new CopyOnWriteArrayList<>();
    private final Path stateDir;
    private final Set<String> unitTypes;
    private final String description;
    private final long journalMaxBytes;
    private volatile boolean adopted;
    private volatile boolean closed;

    /**
     * @param stateDir the runtime's state directory (it must exist)
     * @param unitTypes the unit types the runtime runs, for {@link #unitTypes()}
     * @param description how messages name the runtime, e.g. {@code exec runtime}
     * @param journalMaxBytes the bound of each unit's journal, for reading the journal of a unit not known
     */
    protected StateDirectoryRuntime(Path stateDir, Set<String> unitTypes, String description, long journalMaxBytes) {
        this.stateDir = stateDir;
        this.unitTypes = Set.copyOf(unitTypes);
        this.description = description;
        this.journalMaxBytes = journalMaxBytes;
    }

    /**
     * Makes the unit found in {@code dir} (which holds a {@code state.properties} record) from what is there,
     * puts it into {@link #units} and takes over what it runs. Called under {@link #adoptLock} while adopting;
     * a failure is logged and the unit left out.
     *
     * @throws IOException when the unit's files cannot be read
     */
    protected abstract void adoptUnit(UnitName name, Path dir) throws IOException;

    /**
     * A new unit {@code name} that has not run here, in {@code dir} (which may not exist yet): create the
     * directories it needs. Called under {@link #adoptLock}; the caller puts it into {@link #units}.
     *
     * @throws IOException when its directories cannot be created
     */
    protected abstract U createUnit(UnitName name, Path dir) throws IOException;

    /** The unit's current status. */
    protected abstract UnitStatus statusOf(U unit);

    /**
     * The unit's journal, up to date: what the unit wrote so far is in it.
     *
     * @throws IOException when what the unit wrote cannot be read into the journal
     */
    protected abstract UnitJournal journalOf(U unit) throws IOException;

    /**
     * Whether the unit may be forgotten now; by default when its status is settled (inactive or failed).
     */
    protected boolean isForgettable(U unit) {
        return statusOf(unit).isSettled();
    }

    /**
     * Deletes the record of a unit being forgotten (its journal stays); it leaves {@link #units} afterwards.
     *
     * @throws IOException when the record cannot be deleted
     * @throws UnitOperationException when the unit cannot be forgotten, with the reason
     */
    protected abstract void deleteState(U unit) throws IOException, UnitOperationException;

    /**
     * Runs once after the units in the state directory were adopted, outside {@link #adoptLock}, in the thread
     * that adopted them. Does nothing by default.
     */
    protected void afterAdoption() {
    }

    @Override
    public Set<String> unitTypes() {
        return unitTypes;
    }

    @Override
    public List<UnitStatus> adopt() throws UnitOperationException {
        ensureAdopted();
        return statuses();
    }

    /**
     * Adopts the units in the state directory unless that was done: every directory there with a {@code
     * state.properties} record is handed to {@link #adoptUnit} (a directory whose name is no unit name is
     * ignored), then {@link #afterAdoption()} runs.
     *
     * @throws UnitOperationException when the runtime is closed or the state directory cannot be read
     */
    protected final void ensureAdopted() throws UnitOperationException {
        checkOpen();
        if (adopted) {
            return;
        }
        synchronized (adoptLock) {
            if (adopted) {
                return;
            }
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(stateDir, Files::isDirectory)) {
                for (Path dir : dirs) {
                    if (Files.exists(dir.resolve("state.properties"))) {
                        adoptOne(dir);
                    }
                }
            } catch (IOException e) {
                throw new UnitOperationException("cannot read the " + description + "'s state in " + stateDir + ": "
                        + e.getMessage(), e);
            }
            adopted = true;
        }
        afterAdoption();
    }

    private void adoptOne(Path dir) {
        UnitName name;
        try {
            name = new UnitName(dir.getFileName().toString());
        } catch (InvalidUnitNameException e) {
            log.warn("ignoring {}: not a unit's directory ({})", dir, e.getMessage());
            return;
        }
        try {
            adoptUnit(name, dir);
        } catch (IOException | RuntimeException e) {
            log.warn("cannot adopt {} from {}: {}", name, dir, e.toString());
        }
    }

    @Override
    public Optional<UnitStatus> status(UnitName unit) {
        return Optional.ofNullable(units.get(unit)).map(this::statusOf);
    }

    @Override
    public List<UnitStatus> statuses() {
        return units.values().stream().map(this::statusOf).sorted(Comparator.comparing(UnitStatus::unit)).toList();
    }

    @Override
    public void forget(UnitName unit) throws UnitOperationException {
        ensureAdopted();
        U u = units.get(unit);
        if (u == null) {
            return;
        }
        if (!isForgettable(u)) {
            throw new UnitOperationException(unit + " is " + statusOf(u).stateName() + "; stop it before forgetting it");
        }
        try {
            deleteState(u);
        } catch (IOException e) {
            throw new UnitOperationException("cannot forget " + unit + ": " + e.getMessage(), e);
        }
        units.remove(unit);
    }

    /**
     * {@inheritDoc}
     *
     * <p>A unit this runtime does not know (forgotten, say) is read from its directory, when there is one.
     */
    @Override
    public List<JournalEntry> journal(UnitName unit, int lines) throws UnitOperationException {
        U u = units.get(unit);
        try {
            if (u != null) {
                return journalOf(u).tail(lines);
            }
            Path dir = unitDir(unit);
            return Files.isDirectory(dir) ? new UnitJournal(dir, journalMaxBytes).tail(lines) : List.of();
        } catch (IOException e) {
            throw new UnitOperationException("cannot read the journal of " + unit + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Subscription followJournal(UnitName unit, int lines, Consumer<JournalEntry> consumer)
            throws UnitOperationException {
        U u = units.get(unit);
        if (u == null) {
            throw new UnitOperationException("unknown unit " + unit + ": it has not run on this machine");
        }
        try {
            return journalOf(u).follow(lines, consumer);
        } catch (IOException e) {
            throw new UnitOperationException("cannot read the journal of " + unit + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Subscription subscribe(UnitStateListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Tells every listener about {@code status}; a listener that throws is logged and kept. */
    protected final void publish(UnitStatus status) {
        for (UnitStateListener l : listeners) {
            try {
                l.onStateChange(status);
            } catch (RuntimeException e) {
                log.warn("state listener failed for {}", status.unit(), e);
            }
        }
    }

    /**
     * The unit {@code request} names: the one this runtime knows, or a new one from {@link #createUnit}
     * (after adopting, so that a unit left running is not made twice).
     *
     * @throws UnitOperationException when the runtime is closed or the unit's directory cannot be made
     * @throws IllegalArgumentException when the unit's type is not one of {@link #unitTypes()}
     */
    protected final U unitFor(StartRequest request) throws UnitOperationException {
        checkOpen();
        UnitName name = request.definition().name();
        if (!unitTypes.contains(name.type())) {
            throw new IllegalArgumentException("the " + description + " runs " + unitTypes + " units, not " + name);
        }
        ensureAdopted();
        synchronized (adoptLock) {
            U existing = units.get(name);
            if (existing != null) {
                return existing;
            }
            Path dir = unitDir(name);
            try {
                U unit = createUnit(name, dir);
                units.put(name, unit);
                return unit;
            } catch (IOException e) {
                throw new UnitOperationException("cannot create the state directory of " + name + " in " + dir + ": "
                        + e.getMessage(), e);
            }
        }
    }

    /** The unit's directory; the name is validated so that it cannot point outside the state directory. */
    protected final Path unitDir(UnitName name) throws UnitOperationException {
        Path dir = stateDir.resolve(name.name()).normalize();
        if (name.name().contains("/") || !stateDir.equals(dir.getParent())) {
            throw new UnitOperationException("unit name " + name + " cannot be used as a directory name");
        }
        return dir;
    }

    /** @throws UnitOperationException when {@link #markClosed()} was called */
    protected final void checkOpen() throws UnitOperationException {
        if (closed) {
            throw new UnitOperationException("the " + description + " over " + stateDir + " is closed");
        }
    }

    /** Whether {@link #markClosed()} was called. */
    protected final boolean isClosed() {
        return closed;
    }

    /**
     * Marks the runtime closed, for {@link #close()}: later operations fail in {@link #checkOpen()}.
     *
     * @return false when it was closed already (then there is nothing left to release)
     */
    protected final boolean markClosed() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }
}
