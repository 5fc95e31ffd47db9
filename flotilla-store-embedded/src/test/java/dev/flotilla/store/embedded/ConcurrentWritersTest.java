package dev.flotilla.store.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flotilla.store.Lease;
import dev.flotilla.store.Op;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.Watch;
import dev.flotilla.store.WatchEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many threads writing at once: revisions are unique and gapless, every watcher sees every event once, in order. */
@SuppressWarnings("try") // watches held open by try-with-resources, unused in the body
class ConcurrentWritersTest {

    private static final int THREADS = 16;
    private static final int WRITES_PER_THREAD = 150;

    @TempDir
    Path dataDir;

    @Test
    void inMemory() throws Exception {
        try (EmbeddedKvStore store = EmbeddedKvStore.inMemory()) {
            writeConcurrentlyAndCheck(store);
        }
    }

    @Test
    void durableWithoutFsync() throws Exception {
        try (EmbeddedKvStore store = EmbeddedKvStore.open(dataDir, EmbeddedStoreOptions.defaults().withFsync(false))) {
            writeConcurrentlyAndCheck(store);
        }
    }

    private static void writeConcurrentlyAndCheck(EmbeddedKvStore store) throws Exception {
        long start = store.range("").revision();
        Lease lease = store.grantLease(Duration.ofSeconds(600));
        List<WatchEvent> fromStart = Collections.synchronizedList(new ArrayList<>());
        List<WatchEvent> joinedLate = Collections.synchronizedList(new ArrayList<>());
        ConcurrentLinkedQueue<Long> revisions = new ConcurrentLinkedQueue<>();
        CountDownLatch halfway = new CountDownLatch(THREADS);
        int total = THREADS * WRITES_PER_THREAD;
        try (Watch first = store.watch("c/", true, 0, fromStart::addAll);
             ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < WRITES_PER_THREAD; i++) {
                        revisions.add(write(store, thread, i, lease.id()));
                        if (i == WRITES_PER_THREAD / 2) {
                            halfway.countDown();
                        }
                    }
                    return null;
                }));
            }
            halfway.await();
            // Joins mid-stream, replaying from the first revision: must end up with the same sequence.
            try (Watch late = store.watch("c/", true, start + 1, joinedLate::addAll)) {
                for (Future<?> f : futures) {
                    f.get();
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> fromStart.size() >= total && joinedLate.size() >= total);
            }
        }
        assertThat(revisions).as("every write got its own revision, with no gap")
                .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(start + 1, start + total).boxed().toList());
        List<Long> seen = fromStart.stream().map(WatchEvent::revision).toList();
        assertThat(seen).as("one event per revision, in order").isEqualTo(
                LongStream.rangeClosed(start + 1, start + total).boxed().toList());
        assertThat(joinedLate).isEqualTo(fromStart);
        for (int t = 0; t < THREADS; t++) {
            String prefix = "c/" + t + "/";
            List<String> values = fromStart.stream().filter(e -> e.kv().key().startsWith(prefix))
                    .map(e -> e.kv().valueAsString()).toList();
            assertThat(values).as("thread %d's writes in its own order", t).hasSize(WRITES_PER_THREAD)
                    .isSortedAccordingTo((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b)));
        }
    }

    /** One write of a mix: plain puts, leased puts, and compare-and-set transactions on a shared key. */
    private static long write(EmbeddedKvStore store, int thread, int i, long leaseId) throws StoreException {
        String key = "c/" + thread + "/" + (i % 10);
        byte[] value = Integer.toString(i).getBytes(UTF_8);
        return switch (i % 3) {
            case 0 -> store.put(key, value);
            case 1 -> store.put(key, value, leaseId);
            default -> {
                long mod = store.get(key).map(kv -> kv.modRevision()).orElse(0L);
                // Only this thread writes this key, so the compare holds.
                var result = store.txn(List.of(new dev.flotilla.store.Compare.ModRevision(key, mod)),
                        List.of(new Op.Put(key, value)), List.of());
                assertThat(result.succeeded()).isTrue();
                yield result.revision();
            }
        };
    }
}
