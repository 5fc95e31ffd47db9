package dev.flotilla.store.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.flotilla.store.KeepAlive;
import dev.flotilla.store.Lease;
import dev.flotilla.store.LeaseNotFoundException;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.Watch;
import dev.flotilla.store.WatchEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Lease time on an injected clock: exact deadlines, without sleeping. */
@SuppressWarnings("try") // watches held open by try-with-resources, unused in the body
class LeaseExpiryTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final EmbeddedKvStore store = EmbeddedKvStore.inMemory(EmbeddedStoreOptions.defaults().withClock(clock));

    @AfterEach
    void close() {
        store.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    @Test
    void leaseExpiresExactlyAtItsDeadlineOnTheStoresClock() throws StoreException {
        Lease lease = store.grantLease(Duration.ofSeconds(10));
        store.put("k", b("v"), lease.id());
        clock.advance(Duration.ofMillis(9_999));
        assertThat(store.leaseTimeToLive(lease.id())).contains(Duration.ofMillis(1));
        assertThat(store.get("k")).isPresent();
        clock.advance(Duration.ofMillis(1));
        assertThat(store.get("k")).as("no read sees a key of a lease past due").isEmpty();
        assertThat(store.leaseTimeToLive(lease.id())).isEmpty();
        assertThatThrownBy(() -> store.put("k", b("v"), lease.id())).isInstanceOf(LeaseNotFoundException.class);
    }

    @Test
    void keepAliveOnceRestartsTheTtlFromNow() throws StoreException {
        Lease lease = store.grantLease(Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(8));
        assertThat(store.keepAliveOnce(lease.id())).isEqualTo(Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(8));
        assertThat(store.leaseTimeToLive(lease.id())).contains(Duration.ofSeconds(2));
    }

    @Test
    void eachExpiredLeaseDeletesItsKeysAtARevisionOfItsOwn() throws StoreException {
        Lease early = store.grantLease(Duration.ofSeconds(5));
        Lease late = store.grantLease(Duration.ofSeconds(6));
        store.put("m/early/1", b("1"), early.id());
        store.put("m/early/2", b("2"), early.id());
        store.put("m/late/1", b("3"), late.id());
        long before = store.put("m/free", b("4"));
        List<List<WatchEvent>> batches = new CopyOnWriteArrayList<>();
        try (Watch ignored = store.watch("m/", true, 0, batches::add)) {
            clock.advance(Duration.ofSeconds(7));
            store.expireDueLeases();
            await().atMost(Duration.ofSeconds(5)).until(() -> batches.stream().mapToInt(List::size).sum() == 3);
        }
        List<WatchEvent> events = batches.stream().flatMap(List::stream).toList();
        assertThat(events).extracting(e -> e.type() + " " + e.kv().key() + " @" + e.revision()).containsExactly(
                "DELETE m/early/1 @" + (before + 1), "DELETE m/early/2 @" + (before + 1),
                "DELETE m/late/1 @" + (before + 2));
        assertThat(store.range("m/").kvs()).extracting(kv -> kv.key()).containsExactly("m/free");
    }

    @Test
    void backgroundCheckExpiresLeasesWithoutAnyCall() throws StoreException {
        Lease lease = store.grantLease(Duration.ofSeconds(3));
        store.put("k", b("v"), lease.id());
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        try (Watch ignored = store.watch("k", false, 0, events::addAll)) {
            clock.advance(Duration.ofSeconds(3));
            // Only the store's own timer runs now: the watch must see the delete without any store call.
            await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 1);
            assertThat(events.getFirst().type()).isEqualTo(WatchEvent.Type.DELETE);
        }
    }

    @Test
    void keepAliveListenerIsToldOnceWhenTheLeaseExpires() throws StoreException {
        Lease lease = store.grantLease(Duration.ofSeconds(3));
        AtomicInteger lost = new AtomicInteger();
        try (KeepAlive keepAlive = store.keepAlive(lease.id(), id -> lost.incrementAndGet())) {
            assertThat(keepAlive.leaseId()).isEqualTo(lease.id());
            // The keep-alive renews on real time against a clock that now jumps past the deadline.
            clock.advance(Duration.ofSeconds(3));
            store.expireDueLeases();
            await().atMost(Duration.ofSeconds(5)).until(() -> lost.get() == 1);
            await().during(Duration.ofMillis(1200)).atMost(Duration.ofSeconds(3)).until(() -> lost.get() == 1);
            assertThat(store.leaseTimeToLive(lease.id())).isEmpty();
        }
    }

    @Test
    void keepAliveRenewsOnItsOwnWhileTheClockMoves() throws StoreException {
        Lease lease = store.grantLease(Duration.ofSeconds(3));
        store.put("k", b("v"), lease.id());
        try (KeepAlive ignored = store.keepAlive(lease.id(), id -> { })) {
            clock.advance(Duration.ofSeconds(2));
            // The next renewal (within a third of the TTL, in real time) restores the full TTL.
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> store.leaseTimeToLive(lease.id()).orElseThrow().equals(Duration.ofSeconds(3)));
        }
        clock.advance(Duration.ofSeconds(3));
        assertThat(store.get("k")).isEmpty();
    }
}
