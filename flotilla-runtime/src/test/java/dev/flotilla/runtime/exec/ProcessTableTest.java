package dev.flotilla.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The shared process table: always as fresh as the call, and one scan for callers that come together. */
class ProcessTableTest {

    @Test
    void aTableShowsWhatRanAndWhatEndedBeforeTheCall() throws Exception {
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

    @Test
    void callersThatComeTogetherShareScans() throws Exception {
        int callers = 64;
        CyclicBarrier together = new CyclicBarrier(callers);
        long before = ProcessTable.scans();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    together.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                assertThat(ProcessTable.fresh()).isNotEmpty();
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        long scans = ProcessTable.scans() - before;
        // Each caller needs at most the scan under way when it came plus the next one.
        assertThat(scans).isBetween(1L, (long) callers / 4);
    }
}
