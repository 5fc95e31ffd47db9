package dev.flotilla.runtime.exec;

import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The machine's process table ({@link ProcStat#all()}), read once for every unit that needs it at
 * the same time. A unit that is being stopped looks for its processes every 50 ms until none is
 * left, and each look needs the whole table (to find descendants and session members). Read per
 * unit, stopping n units on a machine of p processes cost n × p reads of {@code /proc/<pid>/stat}
 * per look: fencing or destroying 1,000 units (3,000 processes with their shims) took 46 s of
 * both cores, almost all of it in {@code ProcStat.read} (JFR, docs/benchmarks.md). Shared, it costs
 * p reads per look, whatever n is.
 *
 * <p>Freshness is what the callers need, so it is kept: {@link #fresh()} returns a table whose scan
 * began after the call, never an older one. A caller that arrives while a scan runs waits for the
 * next scan; every caller waiting then shares it. One JVM-wide table, since {@code /proc} is too.
 * Thread-safe.
 */
final class ProcessTable {

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Condition SCANNED = LOCK.newCondition();
    /** How many scans have begun; guarded by LOCK. */
    private static long begun;
    /** The number of the newest scan that has completed; guarded by LOCK. */
    private static long completed;
    /** Whether a scan is under way; guarded by LOCK. */
    private static boolean scanning;
    /** What the newest completed scan found; guarded by LOCK. */
    private static List<ProcStat> latest = List.of();

    private ProcessTable() {}

    /** How many scans have begun since the JVM started (for tests). */
    static long scans() {
        LOCK.lock();
        try {
            return begun;
        } finally {
            LOCK.unlock();
        }
    }

    /**
     * Every process readable now, from a scan that began after this call (processes that vanish
     * while listing are skipped).
     *
     * @throws java.io.UncheckedIOException when {@code /proc} cannot be listed
     */
    static List<ProcStat> fresh() {
        long mine;
        LOCK.lock();
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
                SCANNED.awaitUninterruptibly();
            }
        } finally {
            LOCK.unlock();
        }
        List<ProcStat> table = null;
        try {
            table = List.copyOf(ProcStat.all());
            return table;
        } finally {
            LOCK.lock();
            try {
                scanning = false;
                if (table != null) {
                    latest = table;
                    completed = mine;
                }
                SCANNED.signalAll(); // after a failed scan, a waiter takes over
            } finally {
                LOCK.unlock();
            }
        }
    }
}
