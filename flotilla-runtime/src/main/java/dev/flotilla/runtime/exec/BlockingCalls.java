package dev.flotilla.runtime.exec;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs the unit lifecycles' slow system calls on a few platform threads, so that the virtual thread
 * of a lifecycle waits for them unmounted instead of holding its carrier.
 *
 * <p>Why: the JDK does not compensate for a virtual thread blocked in {@code forkAndExec} (every
 * command start) or in the file-system calls of {@code sun.nio.fs} ({@code rename}, {@code open}:
 * every record save); the carrier, one per core, stays pinned for the whole call. While hundreds of
 * units start, those calls take milliseconds to hundreds of milliseconds each on a busy disk, and
 * thread dumps of a 500-unit launch found the carriers in {@code rename0} and {@code forkAndExec}
 * most of the time: every other virtual thread (the other lifecycles, HTTP requests) waited
 * seconds for a carrier. Here they take a pool thread instead, several at a time, and the carriers
 * stay free for computing.
 *
 * <p>On a platform thread (adoption, tests, closing) the call runs in place. Thread-safe.
 */
final class BlockingCalls implements AutoCloseable {

    /** A call that may throw {@link IOException}. */
    @FunctionalInterface
    interface IoCall<T> {
        T call() throws IOException;
    }

    /** Pool threads: enough to overlap the waits of many lifecycles; idle ones end after a minute. */
    static final int THREADS = 8;

    private final ThreadPoolExecutor pool;

    BlockingCalls(String name) {
        this.pool = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                Thread.ofPlatform().daemon().name(name + "-", 0).factory());
        pool.allowCoreThreadTimeOut(true);
    }

    /**
     * Runs {@code work}: on a pool thread when called from a virtual thread, waiting for it without
     * holding the carrier; in place otherwise (or once closed). Waits for the call to finish even
     * when interrupted (then re-asserts the interrupt), so it behaves as if it ran in place.
     *
     * @throws IOException what {@code work} threw
     */
    <T> T call(IoCall<T> work) throws IOException {
        if (!Thread.currentThread().isVirtual()) {
            return work.call();
        }
        Future<T> result;
        try {
            result = pool.submit(work::call);
        } catch (RejectedExecutionException e) {
            return work.call(); // closed
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    switch (e.getCause()) {
                        case IOException io -> throw io;
                        case RuntimeException re -> throw re;
                        case Error error -> throw error;
                        default -> throw new IllegalStateException(e.getCause());
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Lets queued calls finish; later calls run in place. */
    @Override
    public void close() {
        pool.shutdown();
    }
}
