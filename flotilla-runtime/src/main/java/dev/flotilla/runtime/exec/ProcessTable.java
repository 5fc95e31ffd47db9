package dev.flotilla.runtime.exec;

import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The machine's process table ({@link ProcStat#all()}), read once for every unit that needs it at
 * the same time. A unit that is being stopped looks for its processes every 50 ms until none is
 * left, and each look needs the whole table (to find descendants and session members). Read per
 * unit, stopping n units on a machine of p processes cost n × p reads of {@code /proc/<pid>/stat}
 * per look: fencing or destroying 1,000 units (2,000 processes: each one's shim and command) took
 * 46 s of both cores, almost all of it in {@code ProcStat.read} (JFR, docs/benchmarks.md). Shared,
 * it costs p reads per look, whatever n is.
 *
 * <p>Freshness is what the callers need, so it is kept: {@link #fresh()} returns a table whose scan
 * began after the call, never an older one. A caller that arrives while a scan runs waits for the
 * next scan; every caller waiting then shares it. One JVM-wide table ({@link #SHARED}), since
 * {@code /proc} is too. Thread-safe.
 */
final class ProcessTable {

    /** The machine's table, shared by every exec runtime of this JVM. */
    static final ProcessTable SHARED = new ProcessTable(ProcStat::all);

    private final Supplier<List<ProcStat>> scanner;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition scanned = lock.newCondition();
    /** How many scans have begun; guarded by lock. */
    private long begun;
    /** The number of the newest scan that has completed; guarded by lock. */
    private long completed;
    /** Whether a scan is under way; guarded by lock. */
    private boolean scanning;
    /** What the newest completed scan found; guarded by lock. */
    private List<ProcStat> latest = List.of();

    /** A table read by {@code scanner} (tests give their own). */
    ProcessTable(Supplier<List<ProcStat>> scanner) {
        this.scanner = scanner;
    }

    /**
     * Every process of the machine, from a scan of {@link #SHARED} that began after this call.
     *
     * @throws java.io.UncheckedIOException when {@code /proc} cannot be listed
     */
    static List<ProcStat> fresh() {
        return SHARED.read();
    }

    /** How many scans have begun. */
    long scans() {
        lock.lock();
        try {
            return begun;
        } finally {
            lock.unlock();
        }
    }

    /**
     * What a scan that began after this call found (processes that vanish while listing are
     * skipped). A caller that comes while a scan runs waits for the next one, which it shares with
     * every caller waiting then.
     *
     * @throws java.io.UncheckedIOException when {@code /proc} cannot be listed
     */
    List<ProcStat> read() {
        long mine;
        lock.lock();
        try {
            long needed = begun + 1; // a scan already under way began before this call: not fresh enough
            while (true) {
                if (completed >= needed) {
                    return latest;
                }
                if (!scanning) {
                    scanning = true;
                    mine = ++begun;
                    break;
                }
                scanned.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
        List<ProcStat> table = null;
        try {
            table = List.copyOf(scanner.get());
            return table;
        } finally {
            lock.lock();
            try {
                scanning = false;
                if (table != null) {
                    latest = table;
                    completed = mine;
                }
                scanned.signalAll(); // after a failed scan, a waiter takes over
            } finally {
                lock.unlock();
            }
        }
    }
}
