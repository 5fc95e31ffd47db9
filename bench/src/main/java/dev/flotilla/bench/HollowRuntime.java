package dev.flotilla.bench;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import dev.flotilla.runtime.ActiveState;
import dev.flotilla.runtime.JournalEntry;
import dev.flotilla.runtime.LoadState;
import dev.flotilla.runtime.Runtime;
import dev.flotilla.runtime.RuntimeProvider;
import dev.flotilla.runtime.RuntimeSettings;
import dev.flotilla.runtime.StartRequest;
import dev.flotilla.runtime.SubState;
import dev.flotilla.runtime.Subscription;
import dev.flotilla.runtime.UnitOperationException;
import dev.flotilla.runtime.UnitStateListener;
import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.unit.UnitName;

/**
 * A hollow runtime, as Kubernetes' kubemark has hollow nodes: it runs no process, it records each
 * start and stop and reports the unit {@code active/running} (or {@code inactive/dead}) at once.
 * The scale benchmark gives it to real agents, so that a thousand of them fit in one JVM and what is
 * measured is the cluster's machinery (agents, registry, engine, store), not process spawning. Never
 * on an agent's class path outside the benchmarks. Thread-safe.
 */
final class HollowRuntime implements Runtime {

    /** Starts and stops across every hollow runtime of one {@link Provider}: the benchmark's tally. */
    static final class Ledger {
        private final LongAdder starts = new LongAdder();
        private final LongAdder stops = new LongAdder();

        long starts() {
            return starts.sum();
        }

        long stops() {
            return stops.sum();
        }
    }

    /** Opens hollow runtimes for {@code .service} units, all recording into one {@link Ledger}. */
    static final class Provider implements RuntimeProvider {
        private final Ledger ledger;

        Provider(Ledger ledger) {
            this.ledger = ledger;
        }

        @Override
        public String name() {
            return "hollow";
        }

        @Override
        public Set<String> unitTypes() {
            return Set.of("service");
        }

        @Override
        public Runtime open(RuntimeSettings settings) {
            return new HollowRuntime(settings.clock(), ledger);
        }
    }

    private final InstantSource clock;
    private final Ledger ledger;
    private final ConcurrentSkipListMap<UnitName, UnitStatus> units = new ConcurrentSkipListMap<>();
    private final List<UnitStateListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private HollowRuntime(InstantSource clock, Ledger ledger) {
        this.clock = clock;
        this.ledger = ledger;
    }

    @Override
    public Set<String> unitTypes() {
        return Set.of("service");
    }

    @Override
    public List<UnitStatus> adopt() {
        return List.copyOf(units.values());
    }

    @Override
    public CompletionStage<UnitStatus> start(StartRequest request) throws UnitOperationException {
        checkOpen();
        UnitName unit = request.definition().name();
        UnitStatus current = units.get(unit);
        if (current != null && current.active() == ActiveState.ACTIVE) {
            return CompletableFuture.completedFuture(current);
        }
        return CompletableFuture.completedFuture(run(request));
    }

    @Override
    public CompletionStage<UnitStatus> stop(UnitName unit) throws UnitOperationException {
        checkOpen();
        UnitStatus current = units.get(unit);
        if (current == null || current.isSettled()) {
            return CompletableFuture.completedFuture(current == null ? UnitStatus.inactive(unit, clock.instant()) : current);
        }
        ledger.stops.increment();
        UnitStatus stopped = current.withState(ActiveState.INACTIVE, SubState.DEAD, clock.instant(), Optional.empty())
                .withMainPid(OptionalLong.empty());
        return CompletableFuture.completedFuture(publish(stopped));
    }

    @Override
    public CompletionStage<UnitStatus> restart(StartRequest request) throws UnitOperationException {
        checkOpen();
        stop(request.definition().name());
        return CompletableFuture.completedFuture(run(request));
    }

    private UnitStatus run(StartRequest request) {
        ledger.starts.increment();
        UnitName unit = request.definition().name();
        UnitStatus running = new UnitStatus(unit, LoadState.LOADED, ActiveState.ACTIVE, SubState.RUNNING, clock.instant(),
                OptionalLong.empty(), Optional.empty(), Optional.empty(), 0, Optional.of(request.definition().hash()),
                List.of());
        return publish(running);
    }

    private UnitStatus publish(UnitStatus status) {
        units.put(status.unit(), status);
        for (UnitStateListener listener : listeners) {
            listener.onStateChange(status);
        }
        return status;
    }

    @Override
    public Optional<UnitStatus> status(UnitName unit) {
        return Optional.ofNullable(units.get(unit));
    }

    @Override
    public List<UnitStatus> statuses() {
        return new ArrayList<>(units.values());
    }

    @Override
    public void forget(UnitName unit) throws UnitOperationException {
        UnitStatus current = units.get(unit);
        if (current != null && !current.isSettled()) {
            throw new UnitOperationException(unit + " is " + current.stateName() + "; stop it before forgetting it");
        }
        units.remove(unit);
    }

    @Override
    public List<JournalEntry> journal(UnitName unit, int lines) {
        return List.of(); // a hollow unit prints nothing
    }

    @Override
    public Subscription followJournal(UnitName unit, int lines, Consumer<JournalEntry> consumer) {
        return () -> { };
    }

    @Override
    public Subscription subscribe(UnitStateListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void checkOpen() throws UnitOperationException {
        if (closed.get()) {
            throw new UnitOperationException("the hollow runtime is closed");
        }
    }

    @Override
    public void close() {
        closed.set(true);
    }
}
