package dev.flotilla.store.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flotilla.store.CompactedException;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.Watch;
import dev.flotilla.store.WatchEvent;
import dev.flotilla.store.WatchListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Watch history bounds, compaction, and delivery to slow, failing and concurrent-sensitive listeners. */
@SuppressWarnings("try") // watches held open by try-with-resources, unused in the body
class WatchDeliveryTest {

    private final EmbeddedKvStore store = EmbeddedKvStore.inMemory(EmbeddedStoreOptions.defaults().withHistorySize(3));

    @AfterEach
    void close() {
        store.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    /** Records events and the error, if any. */
    private static final class Recorder implements WatchListener {
        final List<WatchEvent> events = new CopyOnWriteArrayList<>();
        final AtomicReference<StoreException> error = new AtomicReference<>();

        @Override
        public void onEvents(List<WatchEvent> batch) {
            events.addAll(batch);
        }

        @Override
        public void onError(StoreException e) {
            error.set(e);
        }
    }

    @Test
    void watchFromARevisionOlderThanTheHistoryGetsCompactedExceptionAndEnds() throws StoreException {
        for (int i = 1; i <= 5; i++) {
            store.put("k/" + i, b("v")); // revisions 2..6; the last 3 events (4, 5, 6) are kept
        }
        assertThat(store.compactRevision()).isEqualTo(3);
        Recorder recorder = new Recorder();
        store.watch("k/", true, 3, recorder);
        await().atMost(Duration.ofSeconds(5)).until(() -> recorder.error.get() != null);
        assertThat(recorder.error.get()).isInstanceOfSatisfying(CompactedException.class,
                e -> assertThat(e.compactRevision()).isEqualTo(3));
        store.put("k/after", b("v"));
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(recorder.events::isEmpty);
    }

    @Test
    void watchFromTheOldestKeptRevisionReplaysAllOfIt() throws StoreException {
        for (int i = 1; i <= 5; i++) {
            store.put("k/" + i, b("v"));
        }
        Recorder recorder = new Recorder();
        try (Watch ignored = store.watch("k/", true, 4, recorder)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> recorder.events.size() == 3);
            assertThat(recorder.events).extracting(WatchEvent::revision).containsExactly(4L, 5L, 6L);
            assertThat(recorder.error.get()).isNull();
        }
    }

    @Test
    void aSlowListenerDelaysNoWriterAndLosesNothing() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        try (Watch ignored = store.watch("s/", true, 0, batch -> {
            calls.incrementAndGet();
            try {
                release.await(); // stuck until the writer is done
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            events.addAll(batch);
        })) {
            int writes = 2_000;
            for (int i = 0; i < writes; i++) {
                store.put("s/" + i, b(Integer.toString(i))); // would hang here if delivery blocked writers
            }
            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == writes);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < writes; i++) {
                expected.add(Integer.toString(i));
            }
            assertThat(events).extracting(e -> e.kv().valueAsString()).isEqualTo(expected);
            assertThat(calls.get()).as("queued revisions are handed over together").isLessThan(writes);
        }
    }

    @Test
    void theListenerIsNeverCalledConcurrentlyAndAFailingCallDoesNotEndTheWatch() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicBoolean overlapped = new AtomicBoolean();
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        try (Watch ignored = store.watch("c/", true, 0, batch -> {
            if (inside.incrementAndGet() > 1) {
                overlapped.set(true);
            }
            events.addAll(batch);
            inside.decrementAndGet();
            if (batch.stream().anyMatch(e -> e.kv().key().equals("c/boom"))) {
                throw new IllegalStateException("listener bug");
            }
        })) {
            store.put("c/boom", b("x"));
            Thread[] writers = new Thread[8];
            for (int t = 0; t < writers.length; t++) {
                int writer = t;
                writers[t] = Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < 100; i++) {
                        try {
                            store.put("c/" + writer + "/" + i, b("v"));
                        } catch (StoreException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
            }
            for (Thread writer : writers) {
                assertThat(writer.join(Duration.ofSeconds(10))).isTrue();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 801);
            assertThat(overlapped).isFalse();
        }
    }

    @Test
    void aWatchMayCloseItselfFromItsListener() throws Exception {
        AtomicReference<Watch> self = new AtomicReference<>();
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        self.set(store.watch("x/", true, 0, batch -> {
            events.addAll(batch);
            self.get().close(); // set before the first put, so before the first call
        }));
        store.put("x/1", b("1"));
        await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 1);
        store.put("x/2", b("2"));
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> events.size() == 1);
    }
}
