package dev.flotilla.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.flotilla.store.CompactedException;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.Watch;
import dev.flotilla.store.WatchEvent;
import dev.flotilla.store.WatchListener;
import dev.flotilla.testkit.EtcdServer;
import io.etcd.jetcd.Client;

/** Watch behaviour specific to etcd: compaction, and a reconnect in the middle of replaying history. */
class EtcdWatchTest {
    private static final int REPLAY_REVISIONS = 3_000;
    private static EtcdServer etcd;
    private static EtcdKvStore store;

    @BeforeAll
    static void startEtcd() throws StoreException {
        etcd = EtcdServer.startNew();
        store = EtcdKvStore.connect(EtcdConfig.of(etcd.endpoint())
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(3)));
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
    void watchingFromACompactedRevisionEndsWithCompactedException() throws Exception {
        String p = "/watch/compacted-" + System.nanoTime() + "/";
        long first = store.put(p + "a", new byte[] {1});
        store.put(p + "a", new byte[] {2});
        long compactAt = store.put(p + "a", new byte[] {3});
        try (Client admin = Client.builder().endpoints(etcd.endpoint()).build()) {
            admin.getKVClient().compact(compactAt).get(10, TimeUnit.SECONDS);
        }
        List<StoreException> errors = new CopyOnWriteArrayList<>();
        try (Watch _ = store.watch(p, true, first, new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> events) {
            }

            @Override
            public void onError(StoreException error) {
                errors.add(error);
            }
        })) {
            await().atMost(Duration.ofSeconds(5)).until(() -> !errors.isEmpty());
        }
        assertThat(errors).singleElement().isInstanceOfSatisfying(CompactedException.class,
                e -> assertThat(e.compactRevision()).isEqualTo(compactAt - 1));
    }

    @Test
    void aKillWhileReplayingHistoryNeitherSkipsNorRepeatsEvents() throws Exception {
        // etcd replays at most 1,000 revisions per message: 3,000 revisions make several messages,
        // and the kill comes after the first one arrived.
        String p = "/watch/replay-" + System.nanoTime() + "/";
        long first = store.put(p + "first", new byte[] {0});
        try (ExecutorService writers = Executors.newFixedThreadPool(8)) {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                int writer = w;
                done.add(writers.submit(() -> {
                    for (int i = 0; i < REPLAY_REVISIONS / 8; i++) {
                        store.put(p + writer + "/" + i, new byte[] {1});
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        long last = store.put(p + "last", new byte[] {2});
        int expected = REPLAY_REVISIONS + 2;

        List<WatchEvent> seen = Collections.synchronizedList(new ArrayList<>());
        try (Watch _ = store.watch(p, true, first, seen::addAll)) {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1)).until(() -> !seen.isEmpty());
            etcd.kill();
            int seenAtKill = seen.size();
            etcd.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> !seen.isEmpty() && seen.getLast().revision() == last);
            System.out.printf("replay: %d of %d events had arrived when etcd was killed%n", seenAtKill, expected);
        }
        assertThat(seen).hasSize(expected);
        assertThat(seen).extracting(e -> e.kv().key()).doesNotHaveDuplicates();
        assertThat(seen).extracting(WatchEvent::revision).isSorted();
    }
}
