package dev.flotilla.agent;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's two threads: the reconcile thread (joins and passes, one at a time) and a timer
 * (fencing checks, resyncs, retries). After {@link #close()} work is silently dropped. Thread-safe.
 */
final class AgentThreads implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AgentThreads.class);

    private final ExecutorService reconcile;
    private final ScheduledExecutorService timer;

    AgentThreads(String name) {
        this.reconcile = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name(name).factory());
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name(name + "-timer")
                .factory());
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
