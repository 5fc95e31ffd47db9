package dev.flotilla.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.Lock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.flotilla.runtime.Runtime;
import dev.flotilla.runtime.StartRequest;
import dev.flotilla.runtime.UnitOperationException;
import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.store.StoreException;
import dev.flotilla.unit.MachineFacts;
import dev.flotilla.unit.UnitDefinition;
import dev.flotilla.unit.UnitName;

/**
 * Carries out {@link Task}s against the runtimes and the machine's loaded set. Runtime operations
 * return once accepted; a stop's completion is handled on the reconcile thread (the unit is
 * released from its runtime, then a pass is requested). A task that fails is logged and counted;
 * the next pass retries it. {@link #execute} runs on the reconcile thread; {@link #stopAll} may run
 * on any thread.
 */
final class TaskRunner {

    private static final Logger LOG = LoggerFactory.getLogger(TaskRunner.class);

    private final Runtimes runtimes;
    private final Map<UnitName, UnitDefinition> loaded;
    private final MachineFacts facts;
    private final Map<String, String> environment;
    private final Executor reconcileThread;
    private final Runnable requestPass;
    private final Lock guard;
    private final ServiceRegistrar services;
    private final Consumer<Duration> passAfter;
    /** Units with a stop under way, so that passes do not pile up stops. */
    private final Set<UnitName> stopping = ConcurrentHashMap.newKeySet();

    TaskRunner(Runtimes runtimes, Map<UnitName, UnitDefinition> loaded, MachineFacts facts,
            Map<String, String> environment, Executor reconcileThread, Runnable requestPass, Lock guard,
            ServiceRegistrar services, Consumer<Duration> passAfter) {
        this.runtimes = runtimes;
        this.loaded = loaded;
        this.facts = facts;
        this.environment = Map.copyOf(environment);
        this.reconcileThread = reconcileThread;
        this.requestPass = requestPass;
        this.guard = guard;
        this.services = services;
        this.passAfter = passAfter;
    }

    /**
     * Runs {@code tasks} in order while {@code allowed} holds. Each task runs under the guard lock
     * with {@code allowed} checked under it, so that a fence (which takes the same lock) never
     * interleaves with a start. Returns how many failed.
     */
    int execute(List<Task> tasks, BooleanSupplier allowed) {
        int failures = 0;
        for (Task task : tasks) {
            guard.lock();
            try {
                if (!allowed.getAsBoolean()) {
                    break;
                }
                if (!run(task)) {
                    failures++;
                }
            } catch (UnitOperationException | RuntimeException e) {
                failures++;
                LOG.warn("{} failed: {}", task, e.getMessage());
            } finally {
                guard.unlock();
            }
        }
        return failures;
    }

    /** Runs one task; false when it could not be done yet and a later pass should retry it. */
    private boolean run(Task task) throws UnitOperationException {
        switch (task) {
            case Task.Load load -> loaded.put(load.unit(), load.definition());
            case Task.Start start -> {
                LOG.info("starting {} ({})", start.unit(), start.definition().hash().shortHex());
                runtime(start.unit()).start(request(start.definition()));
            }
            case Task.Restart restart -> {
                LOG.info("restarting {} with new contents {}", restart.unit(), restart.definition().hash().shortHex());
                runtime(restart.unit()).restart(request(restart.definition()));
            }
            case Task.Stop stop -> {
                Duration drain = drainFirst(stop.unit());
                if (!drain.isZero()) {
                    passAfter.accept(drain); // that pass stops it
                    return true;
                }
                LOG.info("stopping {}: {}", stop.unit(), stop.reason());
                stop(stop.unit());
            }
            case Task.Unload unload -> {
                Runtime runtime = runtimes.forUnit(unload.unit()).orElse(null);
                if (runtime != null && runtime.status(unload.unit()).isPresent()) {
                    try {
                        runtime.forget(unload.unit());
                    } catch (UnitOperationException e) {
                        // Settled, but its lifecycle thread has not quite finished: the next pass retries.
                        LOG.debug("{} not unloaded yet: {}", unload.unit(), e.getMessage());
                        return false;
                    }
                }
                LOG.info("unloaded {}", unload.unit());
                loaded.remove(unload.unit());
            }
        }
        return true;
    }

    /**
     * The graceful drain: withdraws the unit's service endpoint before its process is signalled, and
     * says how much longer the stop waits ({@code DrainDelay=}). A store failure postpones the stop.
     */
    private Duration drainFirst(UnitName unit) throws UnitOperationException {
        if (stopping.contains(unit)) {
            return Duration.ZERO;
        }
        try {
            Duration left = services.drain(unit);
            if (!left.isZero()) {
                LOG.info("{}: endpoint withdrawn, stopping it in {} ms (DrainDelay)", unit, left.toMillis());
            }
            return left;
        } catch (StoreException e) {
            throw new UnitOperationException("cannot withdraw the service endpoint of " + unit
                    + " before stopping it: " + e.getMessage());
        }
    }

    /** Stops the unit; once it is settled, releases it (on the reconcile thread) and asks for a pass. */
    private CompletableFuture<Void> stop(UnitName unit) throws UnitOperationException {
        if (!stopping.add(unit)) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            runtime(unit).stop(unit).whenComplete((status, error) -> onReconcileThread(() -> {
                stopping.remove(unit);
                release(unit);
                done.complete(null);
                requestPass.run();
            }));
        } catch (UnitOperationException | RuntimeException e) {
            stopping.remove(unit);
            throw e;
        }
        return done;
    }

    /**
     * Stops every unit the runtimes know (fencing, draining) and releases each once settled. The
     * result completes when all are released. Any thread.
     */
    CompletableFuture<Void> stopAll() {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (UnitStatus status : runtimes.statuses().values()) {
            try {
                stopping.remove(status.unit()); // a stop under way is asked again: it completes all the same
                all.add(stop(status.unit()));
            } catch (UnitOperationException | RuntimeException e) {
                LOG.error("cannot stop {} while fencing: {}", status.unit(), e.getMessage());
            }
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    /** Forgets the unit in its runtime if it is settled (merely loaded again, or gone). */
    private void release(UnitName unit) {
        runtimes.forUnit(unit).ifPresent(runtime -> {
            boolean settled = runtime.status(unit).map(UnitStatus::isSettled).orElse(false);
            if (settled) {
                try {
                    runtime.forget(unit);
                } catch (UnitOperationException e) {
                    LOG.debug("{} not released: {}", unit, e.getMessage());
                }
            }
        });
    }

    /** Runs {@code work} on the reconcile thread, or here once that thread is gone (the agent closed). */
    private void onReconcileThread(Runnable work) {
        try {
            reconcileThread.execute(work);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            work.run();
        }
    }

    private Runtime runtime(UnitName unit) throws UnitOperationException {
        return runtimes.forUnit(unit).orElseThrow(() -> new UnitOperationException("no runtime on this machine runs ."
                + unit.type() + " units (" + unit + ")"));
    }

    private StartRequest request(UnitDefinition definition) {
        return new StartRequest(definition, facts, environment);
    }
}
