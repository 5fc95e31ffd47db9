package dev.flotilla.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** The shared process table: always as fresh as the call, and one scan for callers that come together. */
class ProcessTableTest {

    @Test
    void theMachinesTableShowsWhatRanAndWhatEndedBeforeTheCall() throws Exception {
        Process started = new ProcessBuilder("/bin/sleep", "60").start();
        Process ended = new ProcessBuilder("/bin/true").start();
        try {
            ended.waitFor(10, TimeUnit.SECONDS);
            List<Long> pids = ProcessTable.fresh().stream().map(ProcStat::pid).toList();
            assertThat(pids).contains(started.pid(), ProcessHandle.current().pid()).doesNotContain(ended.pid());

            started.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            assertThat(ProcessTable.fresh().stream().map(ProcStat::pid)).doesNotContain(started.pid());
        } finally {
            started.destroyForcibly();
        }
    }

    /**
     * A scanner whose scans wait for the test: scan n finds one process of PID n, so each caller's
     * answer tells which scan it got.
     */
    private static final class GatedScanner {
        final AtomicInteger scans = new AtomicInteger();
        final ConcurrentHashMap<Integer, CountDownLatch> gates = new ConcurrentHashMap<>();

        List<ProcStat> scan() {
            int n = scans.incrementAndGet();
            try {
                gate(n).await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return List.of(new ProcStat(n, "scan", 'S', 1, n, n, n));
        }

        CountDownLatch gate(int scan) {
            return gates.computeIfAbsent(scan, k -> new CountDownLatch(1));
        }
    }

    @Test
    void callersThatComeDuringAScanWaitForTheNextAndShareIt() throws Exception {
        GatedScanner scanner = new GatedScanner();
        ProcessTable table = new ProcessTable(scanner::scan);
        List<Long> answers = new java.util.concurrent.CopyOnWriteArrayList<>();

        Thread first = Thread.ofPlatform().start(() -> answers.add(table.read().getFirst().pid()));
        await().atMost(Duration.ofSeconds(10)).until(() -> scanner.scans.get() == 1); // scan 1 under way
        List<Thread> later = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            later.add(Thread.ofVirtual().start(() -> answers.add(table.read().getFirst().pid())));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> later.stream()
                .allMatch(t -> t.getState() == Thread.State.WAITING));

        scanner.gate(1).countDown(); // scan 1 ends; one waiter starts scan 2 for all of them
        await().atMost(Duration.ofSeconds(10)).until(() -> scanner.scans.get() == 2);
        scanner.gate(2).countDown();
        first.join();
        for (Thread t : later) {
            t.join();
        }

        assertThat(scanner.scans).hasValue(2);
        assertThat(table.scans()).isEqualTo(2);
        // The first caller got scan 1; every later one came while it ran, so only scan 2 is fresh enough.
        assertThat(answers).hasSize(21).containsOnlyOnce(1L).filteredOn(pid -> pid == 2L).hasSize(20);
    }
}
