package dev.flotilla.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.flotilla.store.ConnectionState;
import io.grpc.Status;

/** The connection state machine on a hand-driven clock and probe: no etcd, no waiting for time. */
class ConnectionMonitorTest {
    private static final Duration SESSION = Duration.ofSeconds(10);
    private static final Duration INTERVAL = Duration.ofSeconds(1);

    private final AtomicLong now = new AtomicLong();
    private final AtomicReference<CompletableFuture<?>> probe = new AtomicReference<>();
    private final AtomicLong probes = new AtomicLong();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<String> changes = new CopyOnWriteArrayList<>();
    private final ConnectionMonitor monitor = new ConnectionMonitor(SESSION, INTERVAL, () -> {
        probes.incrementAndGet();
        return probe.get();
    }, now::get, executor, "http://etcd.test:2379");

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void failureSuspendsSilenceLosesAndAnAnswerReconnectsInOrder() {
        monitor.addListener((from, to) -> changes.add(from + "->" + to));
        assertThat(monitor.state()).isEqualTo(ConnectionState.CONNECTED);

        monitor.failed();
        assertThat(monitor.state()).isEqualTo(ConnectionState.SUSPENDED);

        probe.set(CompletableFuture.failedFuture(Status.UNAVAILABLE.asRuntimeException()));
        advance(SESSION.minusSeconds(1));
        monitor.tick();
        assertThat(monitor.state()).isEqualTo(ConnectionState.SUSPENDED);
        advance(Duration.ofSeconds(2));
        monitor.tick();
        assertThat(monitor.state()).isEqualTo(ConnectionState.LOST);

        probe.set(CompletableFuture.completedFuture(null));
        monitor.tick();
        assertThat(monitor.state()).isEqualTo(ConnectionState.CONNECTED);

        await().atMost(Duration.ofSeconds(5)).until(() -> changes.size() == 3);
        assertThat(changes).containsExactly("CONNECTED->SUSPENDED", "SUSPENDED->LOST", "LOST->CONNECTED");
    }

    @Test
    void aBusyConnectionIsNotProbedAndAnIdleOneOncePerInterval() {
        probe.set(CompletableFuture.completedFuture(null));
        monitor.answered();
        advance(INTERVAL.dividedBy(2));
        monitor.tick();
        assertThat(probes.get()).as("answered half an interval ago: no probe").isZero();
        advance(INTERVAL);
        monitor.tick();
        assertThat(probes.get()).isEqualTo(1);
    }

    @Test
    void aRefusalIsAnAnswer() {
        monitor.failed();
        probe.set(CompletableFuture.failedFuture(Status.PERMISSION_DENIED.asRuntimeException()));
        monitor.tick();
        assertThat(monitor.state()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void aThrowingListenerDoesNotStopTheOthers() {
        monitor.addListener((from, to) -> {
            throw new IllegalStateException("boom");
        });
        monitor.addListener((from, to) -> changes.add(from + "->" + to));
        monitor.failed();
        monitor.answered();
        await().atMost(Duration.ofSeconds(5)).until(() -> changes.size() == 2);
    }

    private void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }
}
