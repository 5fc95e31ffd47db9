package dev.flotilla.runtime.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.runtime.ActiveState;
import dev.flotilla.runtime.StartRequest;
import dev.flotilla.runtime.SubState;
import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.unit.UnitName;

/**
 * One unit of the exec runtime: its record, journal and output tailer, the operations the runtime
 * forwards (start, stop, restart), and the lifecycle thread that carries them out
 * ({@link ServiceLifecycle}). Operations only change the record and wake the lifecycle; they never
 * wait for processes. Thread-safe: the lock guards the record, the worker and the waiters; status
 * reads use a volatile snapshot.
 */
final class ServiceUnit {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceUnit.class);

    /** Thrown inside the lifecycle when the runtime closes: the thread ends, processes keep running. */
    static final class Closed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Closed() {
            super("runtime closed", null, false, false);
        }
    }

    /** Why {@link #await} returned. */
    enum Wake { DONE, STOP, TIMEOUT }

    final UnitName name;
    final Path dir;
    final Path runDir;
    final UnitOutput output;
    final RuntimeServices services;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Guarded by lock. */
    private final UnitRecord record;
    /** Guarded by lock. */
    private boolean workerRunning;
    /** Guarded by lock. */
    private Optional<StartRequest> pendingStart = Optional.empty();
    /** Guarded by lock. */
    private final JobWaiters jobs = new JobWaiters();
    /** Guarded by lock. */
    private boolean closed;
    private volatile UnitStatus snapshot;

    ServiceUnit(UnitName name, Path dir, UnitRecord record, RuntimeServices services) {
        this.name = name;
        this.dir = dir;
        this.runDir = dir.resolve("run");
        this.record = record;
        this.services = services;
        this.snapshot = record.status;
        this.output = new UnitOutput(name, dir, runDir, services);
        output.running(record.controlSeq, record.mainSeq);
    }

    UnitStatus status() {
        return snapshot;
    }

    // ---- operations ----------------------------------------------------------------------------

    CompletionStage<UnitStatus> start(StartRequest request) throws IOException {
        lock.lock();
        try {
            if (!workerRunning) {
                beginRun(request);
                CompletableFuture<UnitStatus> f = jobs.start();
                launchWorker(false);
                return f;
            }
            if (record.stopRequested) {
                pendingStart = Optional.of(request);
                return jobs.queuedStart();
            }
            return snapshot.active() == ActiveState.ACTIVE ? CompletableFuture.completedFuture(snapshot) : jobs.start();
        } finally {
            lock.unlock();
        }
    }

    CompletionStage<UnitStatus> stop() throws IOException {
        List<CompletableFuture<UnitStatus>> cancelled;
        CompletableFuture<UnitStatus> f;
        boolean first = false;
        lock.lock();
        try {
            pendingStart = Optional.empty();
            cancelled = jobs.queueCancelled();
            if (!workerRunning) {
                f = CompletableFuture.completedFuture(snapshot);
            } else {
                f = jobs.stop();
                first = requestStop();
            }
        } finally {
            lock.unlock();
        }
        JobWaiters.complete(cancelled, snapshot);
        if (first) {
            note("Stopping " + name + "...");
        }
        return f;
    }

    CompletionStage<UnitStatus> restart(StartRequest request) throws IOException {
        CompletableFuture<UnitStatus> f;
        lock.lock();
        try {
            if (!workerRunning) {
                return start(request);
            }
            pendingStart = Optional.of(request);
            f = jobs.queuedStart();
            if (!requestStop()) {
                return f;
            }
        } finally {
            lock.unlock();
        }
        note("Stopping " + name + " to restart it...");
        return f;
    }

    /** Guarded by lock: marks the stop request; true when it is new. */
    private boolean requestStop() throws IOException {
        changed.signalAll();
        if (record.stopRequested) {
            return false;
        }
        record.stopRequested = true;
        save();
        return true;
    }

    /**
     * After adoption: a unit the fencing watchdog stopped while no agent ran (its marker exists) is
     * taken as stopped: its lifecycle finishes the stop and settles, and {@code Restart=} does not
     * apply, since the cluster may run the unit elsewhere by now.
     */
    void stopIfFenced() throws IOException {
        Optional<String> why = fenced();
        if (why.isEmpty()) {
            return;
        }
        boolean stop;
        lock.lock();
        try {
            stop = !snapshot.isSettled() && !record.stopRequested;
            if (stop) {
                record.stopRequested = true;
                record.save(dir);
            }
        } finally {
            lock.unlock();
        }
        if (stop) {
            note("Stopping " + name + ": " + why.get());
        }
    }

    /** Why the fencing watchdog stopped this unit's run, if it did. */
    Optional<String> fenced() {
        return ExecWatchdog.fenced(dir);
    }

    /** Resumes the lifecycle after adoption, when the record says something was under way. */
    void resume() {
        lock.lock();
        try {
            if (!workerRunning && !snapshot.isSettled() && record.request.isPresent()) {
                launchWorker(true);
            }
        } finally {
            lock.unlock();
        }
    }

    boolean isIdle() {
        lock.lock();
        try {
            return !workerRunning;
        } finally {
            lock.unlock();
        }
    }

    /** Ends the lifecycle thread without touching processes (the runtime is closing). */
    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Called when files in the run directory change or a shim exits: wakes the lifecycle, drains output. */
    void onFilesChanged() {
        wake();
        output.drainSoon();
    }

    void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---- for the lifecycle ---------------------------------------------------------------------

    /** Reads or changes the record under the lock; persists it and publishes the status if it changed. */
    <T> T update(java.util.function.Function<UnitRecord, T> change) {
        UnitStatus published;
        T result;
        lock.lock();
        try {
            UnitStatus before = record.status;
            result = change.apply(record);
            try {
                save();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot persist the state of " + name + " in " + dir, e);
            }
            published = record.status.equals(before) ? null : record.status;
            snapshot = record.status;
            output.running(record.controlSeq, record.mainSeq);
        } finally {
            lock.unlock();
        }
        if (published != null) {
            services.publish().accept(published);
        }
        return result;
    }

    /** Reads the record under the lock, without persisting anything. */
    <T> T read(java.util.function.Function<UnitRecord, T> query) {
        lock.lock();
        try {
            return query.apply(record);
        } finally {
            lock.unlock();
        }
    }

    /** Moves to a new state since now. */
    void transition(ActiveState active, SubState sub, Optional<String> reason) {
        update(r -> {
            r.status = r.status.withState(active, sub, services.clock().instant(), reason);
            return null;
        });
    }

    /** Enters a state since now, keeping the failure reason once the run has failed. */
    void enter(ActiveState active, SubState sub) {
        update(r -> {
            r.status = r.status.withState(active, sub, services.clock().instant(),
                    r.result == UnitRecord.Result.SUCCESS ? Optional.empty() : r.status.reason());
            return null;
        });
    }

    /**
     * Blocks until {@code done} holds, a stop is requested (when {@code stopInterrupts}), or the
     * deadline passes; re-checks at least every {@code slice} (processes that are not children
     * give no event).
     *
     * @throws Closed when the runtime closes
     */
    Wake await(BooleanSupplier done, Optional<Instant> deadline, boolean stopInterrupts, Duration slice) {
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    throw new Closed();
                }
                if (done.getAsBoolean()) {
                    return Wake.DONE;
                }
                if (stopInterrupts && record.stopRequested) {
                    return Wake.STOP;
                }
                long waitMs = slice.toMillis();
                if (deadline.isPresent()) {
                    long left = Duration.between(services.clock().instant(), deadline.get()).toMillis();
                    if (left <= 0) {
                        return Wake.TIMEOUT;
                    }
                    waitMs = Math.min(waitMs, left);
                }
                changed.await(Math.max(1, waitMs), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Closed();
        } finally {
            lock.unlock();
        }
    }

    boolean stopRequested() {
        lock.lock();
        try {
            return record.stopRequested;
        } finally {
            lock.unlock();
        }
    }

    /** The start job is done (active, or waiting to restart): completes {@link #start}'s stages. */
    void startJobDone() {
        List<CompletableFuture<UnitStatus>> done;
        lock.lock();
        try {
            done = jobs.startDone();
        } finally {
            lock.unlock();
        }
        JobWaiters.complete(done, snapshot);
    }

    /** Writes one of the runtime's own lines about this unit into its journal, after the output read so far. */
    void note(String message) {
        output.note(message);
    }

    // ---- internals -----------------------------------------------------------------------------

    /** Guarded by lock: resets the record for a new explicit start. */
    private void beginRun(StartRequest request) throws IOException {
        services.blocking().call(() -> {
            Files.createDirectories(runDir);
            record.beginRun(dir, request, services.bootId());
            return null;
        });
        snapshot = record.status;
    }

    /** Guarded by lock: persists the record, off the carrier when on a lifecycle's virtual thread. */
    private void save() throws IOException {
        services.blocking().call(() -> {
            record.save(dir);
            return null;
        });
    }

    /** Guarded by lock. */
    private void launchWorker(boolean resuming) {
        workerRunning = true;
        services.executor().execute(() -> runWorker(resuming));
    }

    private void runWorker(boolean resuming) {
        boolean resume = resuming;
        try {
            while (true) {
                new ServiceLifecycle(this).run(resume);
                resume = false;
                List<CompletableFuture<UnitStatus>> done;
                UnitStatus settled;
                boolean more;
                lock.lock();
                try {
                    settled = record.status;
                    done = jobs.settled();
                    more = pendingStart.isPresent() && !closed;
                    if (more) {
                        beginRun(pendingStart.get());
                        pendingStart = Optional.empty();
                    } else {
                        workerRunning = false;
                    }
                } finally {
                    lock.unlock();
                }
                JobWaiters.complete(done, settled);
                if (!more) {
                    return;
                }
            }
        } catch (Closed e) {
            markStopped();
        } catch (RuntimeException | IOException | Error e) {
            LOG.error("{}: the lifecycle failed; the unit's processes are left as they are", name, e);
            note("internal error, the unit is no longer supervised until the agent restarts: " + e);
            markStopped();
        }
    }

    private void markStopped() {
        List<CompletableFuture<UnitStatus>> done;
        lock.lock();
        try {
            workerRunning = false;
            done = jobs.all();
        } finally {
            lock.unlock();
        }
        JobWaiters.complete(done, snapshot);
    }

    /** Forgets the unit's state files (not its journal); only when idle. */
    void deleteState() throws IOException {
        UnitRecord.delete(dir);
    }
}
