package dev.flotilla.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import dev.flotilla.store.CompactedException;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.WatchEvent;
import dev.flotilla.store.WatchListener;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import io.grpc.Status;

/** The resume logic against a scripted jetcd watch client: no etcd, every break where we want it. */
class ResumingWatchTest {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final ScriptedWatchClient client = new ScriptedWatchClient();
    private final List<WatchEvent> events = new CopyOnWriteArrayList<>();
    private final List<StoreException> errors = new CopyOnWriteArrayList<>();
    private final AtomicInteger closedCallbacks = new AtomicInteger();
    private final ResumingWatch watch = new ResumingWatch(client, scheduler, workers,
            new ConnectionMonitor(Duration.ofSeconds(10), Duration.ofSeconds(1),
                    () -> CompletableFuture.completedFuture(null), System::nanoTime, workers, "test"),
            new EtcdErrors("http://etcd.test:2379", null), "/p/", true, 5, new WatchListener() {
                @Override
                public void onEvents(List<WatchEvent> batch) {
                    events.addAll(batch);
                }

                @Override
                public void onError(StoreException error) {
                    errors.add(error);
                }
            }, closedCallbacks::incrementAndGet);

    @AfterEach
    void stop() {
        watch.close();
        scheduler.shutdownNow();
        workers.shutdownNow();
    }

    @Test
    void aBreakResumesAfterTheLastDeliveredRevisionAndDropsRepeats() {
        watch.open();
        ScriptedWatchClient.Opened first = client.opened(0);
        assertThat(first.revision()).isEqualTo(5);
        first.listener().onNext(response()); // created
        first.listener().onNext(response(5, 5, 6));
        first.listener().onError(Status.UNAVAILABLE.withDescription("connection reset").asRuntimeException());

        await().atMost(Duration.ofSeconds(5)).until(() -> client.count() == 2);
        assertThat(first.closed()).isTrue();
        ScriptedWatchClient.Opened second = client.opened(1);
        assertThat(second.revision()).isEqualTo(7);
        second.listener().onNext(response(6, 7)); // a server that replays too much: 6 is dropped
        second.listener().onNext(response(8));
        first.listener().onNext(response(9)); // the broken generation is not listened to any more

        await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 5);
        assertThat(events).extracting(WatchEvent::revision).containsExactly(5L, 5L, 6L, 7L, 8L);
        assertThat(errors).isEmpty();
    }

    @Test
    void compactionEndsTheWatchWithCompactedException() {
        watch.open();
        client.opened(0).listener().onError(EtcdExceptionFactory.newCompactedException(20));
        await().atMost(Duration.ofSeconds(5)).until(() -> !errors.isEmpty());
        assertThat(errors).singleElement().isInstanceOfSatisfying(CompactedException.class,
                e -> assertThat(e.compactRevision()).isEqualTo(19));
        assertThat(client.count()).isEqualTo(1);
        assertThat(closedCallbacks.get()).isEqualTo(1);
    }

    @Test
    void refusalsAreRetriedTwiceThenReported() {
        watch.open();
        for (int i = 0; i < 3; i++) {
            int attempt = i;
            await().atMost(Duration.ofSeconds(5)).until(() -> client.count() == attempt + 1);
            client.opened(i).listener().onError(
                    Status.FAILED_PRECONDITION.withDescription("etcdserver: refused").asRuntimeException());
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !errors.isEmpty());
        assertThat(errors.getFirst()).hasMessageContaining("etcdserver: refused").hasMessageContaining("prefix '/p/'");
        assertThat(client.count()).isEqualTo(3);
    }

    @Test
    void closingStopsDeliveryAndClosesTheJetcdWatcher() {
        watch.open();
        watch.close();
        client.opened(0).listener().onNext(response(5));
        assertThat(client.opened(0).closed()).isTrue();
        assertThat(events).isEmpty();
        assertThat(closedCallbacks.get()).isEqualTo(1);
    }

    private static WatchResponse response(long... revisions) {
        io.etcd.jetcd.api.WatchResponse.Builder builder = io.etcd.jetcd.api.WatchResponse.newBuilder();
        for (long revision : revisions) {
            builder.addEvents(Event.newBuilder().setType(Event.EventType.PUT).setKv(KeyValue.newBuilder()
                    .setKey(ByteString.copyFromUtf8("/p/" + revision)).setValue(ByteString.copyFromUtf8("v"))
                    .setCreateRevision(revision).setModRevision(revision).setVersion(1)));
        }
        return new WatchResponse(builder.build());
    }

    /** A jetcd watch client that only records the watchers opened, for the test to drive. */
    private static final class ScriptedWatchClient implements io.etcd.jetcd.Watch {
        record Opened(long revision, Listener listener, AtomicBoolean closedFlag) {
            boolean closed() {
                return closedFlag.get();
            }
        }

        private final List<Opened> opened = new CopyOnWriteArrayList<>();

        Opened opened(int index) {
            return opened.get(index);
        }

        int count() {
            return opened.size();
        }

        @Override
        public Watcher watch(ByteSequence key, WatchOption option, Listener listener) {
            Opened watcher = new Opened(option.getRevision(), listener, new AtomicBoolean());
            opened.add(watcher);
            return new Watcher() {
                @Override
                public void close() {
                    if (watcher.closedFlag().compareAndSet(false, true)) {
                        listener.onCompleted(); // as jetcd does
                    }
                }

                @Override
                public boolean isClosed() {
                    return watcher.closed();
                }

                @Override
                public void requestProgress() {
                }
            };
        }

        @Override
        public void requestProgress() {
        }

        @Override
        public void close() {
        }
    }
}
