package dev.flotilla.agent;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The agent's two threads: the reconcile thread (joins and passes, one at a time) and a timer
 * (fencing checks, resyncs, retries). After {@link #close()} work is silently dropped. Thread-safe.
 */
final class AgentThreads implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AgentThreads.class);

    private final ExecutorService reconcile;
    private final ScheduledExecutorService timer;

    /**
     * The threads of machine {@code machineId}, named after {@code name}; every line they log carries the machine
     * (the logging context's {@value #MACHINE_KEY}), which tells dev mode's machines apart in one process.
     */
    AgentThreads(String name, String machineId) {
        this.reconcile = Executors.newSingleThreadExecutor(withMachine(Thread.ofPlatform().daemon().name(name).factory(),
                machineId));
        this.timer = Executors.newSingleThreadScheduledExecutor(withMachine(Thread.ofPlatform().daemon()
                .name(name + "-timer").factory(), machineId));
    }

    /** The logging context's key for the machine a line is about (structured logs show it). */
    static final String MACHINE_KEY = "machine";

    private static ThreadFactory withMachine(ThreadFactory threads, String machineId) {
        return work -> threads.newThread(() -> {
            MDC.put(MACHINE_KEY, machineId);
            work.run();
        });
    }

    /** The reconcile thread as an executor (rejects work once closed). */
    Executor reconcileThread() {
        return reconcile;
    }

    /** Runs {@code work} on the reconcile thread; false when closed. */
    boolean onReconcileThread(Runnable work) {
        try {
            reconcile.execute(work);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Runs {@code work} on the timer after {@code delay}, unless closed. */
    void after(Duration delay, Runnable work) {
        try {
            timer.schedule(work, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /** Runs {@code work} on the timer every {@code period}, first after one period, until closed. */
    void every(Duration period, Runnable work) {
        long millis = Math.max(1, period.toMillis());
        timer.scheduleWithFixedDelay(work, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Stops the timer, lets a running pass finish (10 s at most), then stops the reconcile thread. */
    @Override
    public void close() {
        timer.shutdownNow();
        reconcile.shutdown();
        try {
            if (!reconcile.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("a reconcile pass is still running after 10 s; leaving it");
                reconcile.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
