package dev.flotilla.store.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.flotilla.store.ConnectionState;
import dev.flotilla.store.KeepAlive;
import dev.flotilla.store.Lease;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.TransientStoreException;
import dev.flotilla.store.Watch;
import dev.flotilla.store.WatchEvent;
import dev.flotilla.testkit.EtcdServer;

/** What the store promises across etcd going away and coming back on the same data directory. */
class EtcdRestartTest {
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(2);
    private static EtcdServer etcd;
    private static EtcdKvStore store;

    @BeforeAll
    static void startEtcd() throws StoreException {
        etcd = EtcdServer.startNew();
        store = EtcdKvStore.connect(EtcdConfig.of(etcd.endpoint())
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2), SESSION_TIMEOUT));
    }

    @AfterAll
    static void stopEtcd() {
        if (store != null) {
            store.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void watchSeesEveryEventExactlyOnceInOrderAcrossAStopAndAKill() throws Exception {
        String p = "/restart/watch-" + System.nanoTime() + "/";
        List<WatchEvent> seen = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger inListener = new AtomicInteger();
        AtomicInteger maxInListener = new AtomicInteger();
        List<Long> acknowledged = new ArrayList<>();
        long firstRevision;
        try (Watch _ = store.watch(p, true, 0, batch -> {
            maxInListener.accumulateAndGet(inListener.incrementAndGet(), Math::max);
            seen.addAll(batch);
            inListener.decrementAndGet();
        })) {
            writeEventually(p, 0, 40, acknowledged);
            firstRevision = acknowledged.getFirst();
            etcd.stop();
            etcd.start();
            writeEventually(p, 40, 80, acknowledged);
            etcd.kill();
            etcd.start();
            writeEventually(p, 80, 120, acknowledged);
            long last = acknowledged.getLast();
            await().atMost(Duration.ofSeconds(20)).until(() -> !seen.isEmpty() && seen.getLast().revision() >= last);
        }

        // The truth: etcd's own history of the prefix, replayed by a fresh watch that never broke.
        List<WatchEvent> history = new CopyOnWriteArrayList<>();
        try (Watch _ = store.watch(p, true, firstRevision, history::addAll)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> history.size() >= seen.size());
        }
        System.out.printf("watch across stop+kill: %d acknowledged writes, %d events seen, %d in history%n",
                acknowledged.size(), seen.size(), history.size());
        assertThat(seen).extracting(WatchEvent::revision).doesNotHaveDuplicates().isSorted().containsAll(acknowledged);
        assertThat(seen).containsExactlyElementsOf(history);
        assertThat(maxInListener.get()).as("listener calls at once").isEqualTo(1);
    }

    @Test
    void connectionGoesSuspendedThenLostWhenEtcdIsKilledAndConnectedWhenItIsBack() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> store.connectionState() == ConnectionState.CONNECTED);
        List<String> changes = new CopyOnWriteArrayList<>();
        try (AutoCloseable _ = store.addConnectionStateListener((from, to) -> changes.add(from + "->" + to))) {
            long killed = System.nanoTime();
            etcd.kill();
            await().atMost(Duration.ofSeconds(5)).until(() -> store.connectionState() == ConnectionState.SUSPENDED);
            long suspendedMillis = (System.nanoTime() - killed) / 1_000_000;
            await().atMost(SESSION_TIMEOUT.plusSeconds(5)).until(() -> store.connectionState() == ConnectionState.LOST);
            long lostMillis = (System.nanoTime() - killed) / 1_000_000;
            long restarted = System.nanoTime();
            etcd.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> store.connectionState() == ConnectionState.CONNECTED);
            System.out.printf("killed etcd: SUSPENDED after %d ms, LOST after %d ms; CONNECTED %d ms after restart%n",
                    suspendedMillis, lostMillis, (System.nanoTime() - restarted) / 1_000_000);
            assertThat(lostMillis).isGreaterThanOrEqualTo(SESSION_TIMEOUT.toMillis() - 1_000);
            await().atMost(Duration.ofSeconds(2)).until(() -> changes.size() >= 3);
            assertThat(changes).containsExactly("CONNECTED->SUSPENDED", "SUSPENDED->LOST", "LOST->CONNECTED");
        }
    }

    @Test
    void keepAliveRidesOutARestartWithoutLosingTheLease() throws Exception {
        String key = "/restart/lease-" + System.nanoTime();
        Lease lease = store.grantLease(Duration.ofSeconds(2));
        store.put(key, "v".getBytes(UTF_8), lease.id());
        AtomicInteger lost = new AtomicInteger();
        try (KeepAlive _ = store.keepAlive(lease.id(), id -> lost.incrementAndGet())) {
            etcd.kill();
            etcd.start();
            await().during(lease.ttl().multipliedBy(2)).atMost(lease.ttl().multipliedBy(3))
                    .until(() -> lost.get() == 0);
            await().atMost(Duration.ofSeconds(10)).ignoreExceptionsInstanceOf(TransientStoreException.class)
                    .until(() -> store.get(key).isPresent());
        } finally {
            store.revokeLease(lease.id());
        }
    }

    /** Writes keys {@code from..to-1}, retrying each until etcd acknowledges it; records the revisions. */
    private static void writeEventually(String p, int from, int to, List<Long> acknowledged) {
        for (int i = from; i < to; i++) {
            int n = i;
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                    .ignoreExceptionsInstanceOf(TransientStoreException.class)
                    .until(() -> acknowledged.add(store.put(p + n, ("value-" + n).getBytes(UTF_8))));
        }
    }
}
