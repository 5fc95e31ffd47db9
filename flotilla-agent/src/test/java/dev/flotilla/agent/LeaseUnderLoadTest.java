package dev.flotilla.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A busy machine keeps its lease. Virtual threads are not preempted: a virtual thread that computes
 * keeps its carrier until it blocks, and the JDK gives the scheduler one carrier per core. The exec
 * runtime runs every unit's lifecycle on a virtual thread, and HTTP requests and store watches run on
 * virtual threads too; on a 2-core machine launching 1,000 units they once kept both carriers busy
 * for longer than the lease TTL, the lease renewer (then a virtual thread) never got to run, and
 * every agent fenced (docs/benchmarks.md). Here the carriers are held for three TTLs by threads that
 * compute without blocking, the worst case of that load.
 */
class LeaseUnderLoadTest {

    /** Short, so the test is short; long enough that a loaded test machine does not fence by itself. */
    private static final Duration TTL = Duration.ofSeconds(2);

    private TestCluster cluster;

    @BeforeEach
    void cluster() {
        cluster = TestCluster.embedded("lease-under-load");
    }

    @AfterEach
    void drain() {
        cluster.close();
    }

    @Test
    void theLeaseIsRenewedWhileEveryVirtualThreadCarrierIsBusy() throws Exception {
        Agent agent = cluster.start(cluster.config("127.0.0.2", Map.of()).withLeaseTtl(TTL));
        List<AgentEvent> events = new CopyOnWriteArrayList<>();
        agent.subscribe(events::add);
        AgentStatus before = agent.status();
        long lease = before.leaseId().orElseThrow();

        holdEveryCarrier(TTL.multipliedBy(3));

        assertThat(events).noneMatch(e -> e instanceof AgentEvent.Fenced);
        // (a short TTL is tight for a cold JVM's first join: a fence before joining is not this test's concern)
        assertThat(agent.status().lastFence()).isEqualTo(before.lastFence());
        assertThat(agent.status().phase()).isEqualTo(AgentPhase.JOINED);
        assertThat(agent.status().leaseId()).hasValue(lease);
        assertThat(cluster.store.leaseTimeToLive(lease)).isPresent();
    }

    /** Occupies every carrier of the virtual-thread scheduler with computing threads for {@code time}. */
    private static void holdEveryCarrier(Duration time) throws InterruptedException {
        int carriers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                java.lang.Runtime.getRuntime().availableProcessors());
        long until = System.nanoTime() + time.toNanos();
        AtomicBoolean sink = new AtomicBoolean();
        List<Thread> busy = new ArrayList<>();
        for (int i = 0; i < carriers; i++) {
            busy.add(Thread.ofVirtual().name("busy-" + i).start(() -> {
                long x = 0;
                while (System.nanoTime() - until < 0) {
                    x += Long.numberOfTrailingZeros(x + System.nanoTime());
                }
                sink.set(x == 42);
            }));
        }
        for (Thread t : busy) {
            t.join();
        }
    }
}
