package dev.flotilla.runtime.docker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.runtime.ActiveState;
import dev.flotilla.runtime.JournalEntry;
import dev.flotilla.runtime.StartRequest;
import dev.flotilla.runtime.SubState;
import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.runtime.docker.Engine.EngineException;
import dev.flotilla.unit.UnitName;

/**
 * One container unit: its record, status and journal, and the queue of its jobs. Every change of state
 * happens on the unit's own virtual thread, one job at a time (a start, a stop, the container's death reported
 * by the engine, a health verdict, the engine coming back: {@link ContainerLifecycle} does each), so no two
 * jobs race; callers only queue jobs and read the volatile status.
 */
final class ContainerUnit {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerUnit.class);

    final UnitName name;
    final Path dir;
    final ContainerJournal journal;
    private final RuntimeContext ctx;
    private final ExecutorService worker;
    private final AtomicInteger pendingJobs = new AtomicInteger();
    private final ContainerLifecycle lifecycle;

    // Written on the worker only; read anywhere.
    private final ContainerRecord record;
    private volatile UnitStatus status;
    private volatile boolean closed;
    private final List<CompletableFuture<UnitStatus>> startWaiters = new ArrayList<>();

    ContainerUnit(UnitName name, Path dir, ContainerRecord record, RuntimeContext ctx, long journalMaxBytes) {
        this.name = name;
        this.dir = dir;
        this.record = record;
        this.status = record.status;
        this.ctx = ctx;
        this.journal = new ContainerJournal(dir, journalMaxBytes);
        this.worker = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("flotilla-docker-" + name.name()).factory());
        this.lifecycle = new ContainerLifecycle(this, record, ctx);
    }

    UnitStatus status() {
        return status;
    }

    boolean isClosed() {
        return closed;
    }

    /** No job is running or queued and no restart is pending. */
    boolean isIdle() {
        return pendingJobs.get() == 0 && status.sub() != SubState.AUTO_RESTART;
    }

    Optional<String> containerId() {
        return record.containerId;
    }

    Optional<String> containerName() {
        return record.containerName;
    }

    // ---- requests (any thread) ------------------------------------------------------------------

    CompletionStage<UnitStatus> start(StartRequest request) {
        CompletableFuture<UnitStatus> done = new CompletableFuture<>();
        lifecycle.clearStop();
        submit(() -> lifecycle.startJob(request, done));
        return done;
    }

    CompletionStage<UnitStatus> stop() {
        lifecycle.requestStop();
        CompletableFuture<UnitStatus> done = new CompletableFuture<>();
        submit(() -> {
            lifecycle.stop();
            done.complete(status);
        });
        return done;
    }

    CompletionStage<UnitStatus> restart(StartRequest request) {
        lifecycle.requestStop();
        CompletableFuture<UnitStatus> done = new CompletableFuture<>();
        submit(() -> {
            lifecycle.stop();
            lifecycle.clearStop();
            lifecycle.startJob(request, done);
        });
        return done;
    }

    /** Takes the unit back after an agent restart: checks its container against the record. */
    void resume() {
        submit(lifecycle::resume);
    }

    /** The engine answers again after an outage: check the container, start what waited for the engine. */
    void engineBack() {
        submit(lifecycle::engineBack);
    }

    /** The engine stopped answering: say so in the reason of a unit that runs (its container may be gone too). */
    void engineLost(String why) {
        submit(() -> lifecycle.engineLost(why));
    }

    /** A container event the runtime's engine watch saw for this unit's containers. */
    void onEvent(String action, String containerId) {
        submit(() -> lifecycle.onEvent(action, containerId));
    }

    // ---- details ---------------------------------------------------------------------------------

    /** The container's facts for people; see {@link Details}. */
    Map<String, String> details() {
        return Details.of(ctx.engineUnchecked(), record.containerId, lifecycle.plan(), lifecycle.health());
    }

    /** The engine's inspect JSON of the unit's container. */
    Optional<String> inspect() throws EngineException {
        Optional<String> id = record.containerId;
        return id.isEmpty() ? Optional.empty() : ctx.engine().inspectJson(id.get());
    }

    /**
     * Removes the record (and the container, if the engine answers; else the orphan sweep removes it later),
     * after any job already queued; the journal stays.
     *
     * @throws IOException when the record cannot be deleted
     * @throws IllegalStateException when the unit is not settled (inactive or failed) by then
     */
    void forget() throws IOException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        submit(() -> {
            try {
                if (!status.isSettled() || status.sub() == SubState.AUTO_RESTART) {
                    throw new IllegalStateException(name + " is " + status.stateName() + "; stop it before forgetting it");
                }
                forgetNow();
                done.complete(null);
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        try {
            done.get(1, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw (RuntimeException) e.getCause();
        } catch (TimeoutException e) {
            throw new IOException("forgetting " + name + " took more than a minute (its thread is busy)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while forgetting " + name);
        }
        close();
    }

    private void forgetNow() throws IOException {
        record.containerId.ifPresent(id -> {
            try {
                ctx.engine().remove(id);
            } catch (EngineException e) {
                LOG.info("{}: container {} is left for the orphan sweep: {}", name, id, e.getMessage());
            }
        });
        lifecycle.forgetContainer();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir) && !p.getFileName().toString().startsWith("journal")) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Ends the unit's thread and log stream; the container keeps running. */
    void close() {
        closed = true;
        lifecycle.close();
        worker.shutdown();
    }

    // ---- the unit's state, for its lifecycle (on the unit's thread) ---------------------------------

    /** Queues {@code job} on the unit's thread (dropped once the unit is closed). */
    void submit(Runnable job) {
        if (closed) {
            return;
        }
        pendingJobs.incrementAndGet();
        try {
            worker.execute(() -> {
                try {
                    job.run();
                } catch (RuntimeException e) {
                    LOG.warn("{}: job failed", name, e);
                } finally {
                    pendingJobs.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            pendingJobs.decrementAndGet();
        }
    }

    void enter(ActiveState active, SubState sub, Optional<String> reason) {
        setStatus(status.withState(active, sub, now(), reason));
    }

    /** Sets the status without persisting or publishing it (a later {@link #setStatus} or {@link #save} does). */
    void set(UnitStatus s) {
        record.status = s;
        status = s;
    }

    /** Sets, persists and publishes the status. */
    void setStatus(UnitStatus s) {
        set(s);
        save();
        ctx.publish(s);
    }

    /** Persists the record. */
    void save() {
        try {
            record.save(dir);
        } catch (IOException e) {
            LOG.warn("cannot save the state of {} in {}: {}", name, dir, e.toString());
        }
    }

    /** Completes the start requests waiting for the current start job, with the status now. */
    void completeStart() {
        UnitStatus s = status;
        startWaiters.forEach(f -> f.complete(s));
        startWaiters.clear();
    }

    /** A line of the runtime's own in the unit's journal. */
    void note(String message) {
        try {
            journal.append(List.of(new JournalEntry(now(), "flotilla", ctx.agentPid(), message)));
        } catch (IOException e) {
            LOG.warn("cannot write the journal of {}: {}", name, e.toString());
        }
    }

    /** {@code done} completes when the start job under way ends (active, failed, or waiting to restart). */
    void awaitStart(CompletableFuture<UnitStatus> done) {
        startWaiters.add(done);
    }

    private Instant now() {
        return ctx.clock().instant();
    }
}
