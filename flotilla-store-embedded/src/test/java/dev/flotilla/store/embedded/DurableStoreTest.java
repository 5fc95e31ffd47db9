package dev.flotilla.store.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.flotilla.store.CompactedException;
import dev.flotilla.store.KeyValue;
import dev.flotilla.store.Lease;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.Watch;
import dev.flotilla.store.WatchEvent;
import dev.flotilla.store.WatchListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The durable mode: what survives a close and reopen of a data directory, and what does not. */
@SuppressWarnings("try") // watches held open by try-with-resources, unused in the body
class DurableStoreTest {

    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));

    private EmbeddedKvStore open() throws StoreException {
        return EmbeddedKvStore.open(dataDir, EmbeddedStoreOptions.defaults().withClock(clock));
    }

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    @Test
    void reopenKeepsKeysRevisionsVersionsAndLeaseAttachments() throws StoreException {
        KeyValue a;
        KeyValue leased;
        long revision;
        Lease lease;
        try (EmbeddedKvStore store = open()) {
            store.put("a", b("1"));
            store.put("a", b("2"));
            store.put("gone", b("x"));
            store.delete("gone");
            lease = store.grantLease(Duration.ofSeconds(60));
            store.put("leased", new byte[] {0, (byte) 0xff}, lease.id());
            a = store.get("a").orElseThrow();
            leased = store.get("leased").orElseThrow();
            revision = store.range("").revision();
        }
        try (EmbeddedKvStore store = open()) {
            assertThat(store.get("a")).contains(a);
            assertThat(store.get("leased")).contains(leased);
            assertThat(store.get("gone")).isEmpty();
            assertThat(store.range("").revision()).isEqualTo(revision);
            assertThat(store.put("b", b("3"))).isEqualTo(revision + 1);
            store.revokeLease(lease.id());
            assertThat(store.get("leased")).as("the attachment survived the reopen").isEmpty();
            assertThat(store.grantLease(Duration.ofSeconds(5)).id()).as("lease IDs are not reused")
                    .isGreaterThan(lease.id());
        }
    }

    @Test
    void aLeaseKeepsTheTimeItHadLeftAcrossAReopen() throws StoreException {
        Lease lease;
        try (EmbeddedKvStore store = open()) {
            lease = store.grantLease(Duration.ofSeconds(10));
            store.put("k", b("v"), lease.id());
            clock.advance(Duration.ofSeconds(4));
        }
        clock.advance(Duration.ofSeconds(3)); // the deadline is absolute: time closed counts
        try (EmbeddedKvStore store = open()) {
            assertThat(store.leaseTimeToLive(lease.id())).contains(Duration.ofSeconds(3));
            assertThat(store.keepAliveOnce(lease.id())).isEqualTo(Duration.ofSeconds(10));
            clock.advance(Duration.ofSeconds(9));
        }
        try (EmbeddedKvStore store = open()) {
            assertThat(store.leaseTimeToLive(lease.id())).as("the renewal was persisted").contains(Duration.ofSeconds(1));
            assertThat(store.get("k")).isPresent();
            clock.advance(Duration.ofSeconds(1));
            assertThat(store.get("k")).isEmpty();
        }
    }

    @Test
    void leasesThatFellDueWhileClosedDeleteTheirKeysOnReopenOneRevisionEach() throws StoreException {
        Lease first;
        Lease second;
        Lease alive;
        long revision;
        try (EmbeddedKvStore store = open()) {
            first = store.grantLease(Duration.ofSeconds(5));
            second = store.grantLease(Duration.ofSeconds(6));
            alive = store.grantLease(Duration.ofSeconds(60));
            store.put("l/1a", b("v"), first.id());
            store.put("l/1b", b("v"), first.id());
            store.put("l/2", b("v"), second.id());
            store.put("l/alive", b("v"), alive.id());
            revision = store.put("l/free", b("v"));
        }
        clock.advance(Duration.ofSeconds(30));
        try (EmbeddedKvStore store = open()) {
            assertThat(store.range("l/").kvs()).extracting(KeyValue::key).containsExactly("l/alive", "l/free");
            assertThat(store.range("").revision()).isEqualTo(revision + 2);
            assertThat(store.leaseTimeToLive(first.id())).isEmpty();
            assertThat(store.leaseTimeToLive(second.id())).isEmpty();
            assertThat(store.leaseTimeToLive(alive.id())).contains(Duration.ofSeconds(30));
        }
        try (EmbeddedKvStore store = open()) {
            assertThat(store.range("").revision()).as("the expiry was persisted").isEqualTo(revision + 2);
        }
    }

    @Test
    void historyIsNotPersistedSoOlderRevisionsAreCompactedAfterAReopen() throws StoreException {
        long last;
        try (EmbeddedKvStore store = open()) {
            store.put("h/1", b("1"));
            last = store.put("h/2", b("2"));
        }
        try (EmbeddedKvStore store = open()) {
            assertThat(store.compactRevision()).isEqualTo(last);
            AtomicReference<StoreException> error = new AtomicReference<>();
            store.watch("h/", true, last, new WatchListener() {
                @Override
                public void onEvents(List<WatchEvent> events) {
                }

                @Override
                public void onError(StoreException e) {
                    error.set(e);
                }
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> error.get() != null);
            assertThat(error.get()).isInstanceOf(CompactedException.class).hasMessageContaining("oldest kept is " + (last + 1));

            List<WatchEvent> events = new CopyOnWriteArrayList<>();
            try (Watch ignored = store.watch("h/", true, last + 1, events::addAll)) {
                long next = store.put("h/3", b("3"));
                await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 1);
                assertThat(events.getFirst().revision()).isEqualTo(next);
            }
        }
    }

    @Test
    void aSecondOpenOfTheSameDirectoryFailsClearly() throws StoreException {
        try (EmbeddedKvStore first = open()) {
            first.put("k", b("v"));
            assertThatThrownBy(this::open).isInstanceOf(StoreException.class)
                    .hasMessageContaining("in use").hasMessageContaining(dataDir.toString());
            assertThat(first.get("k")).as("the first store is unharmed").isPresent();
        }
        try (EmbeddedKvStore again = open()) {
            assertThat(again.get("k")).as("close released the directory").isPresent();
        }
    }

    @Test
    void aFileThatIsNotAFlotillaStoreIsRefused() throws Exception {
        Files.write(dataDir.resolve(MvStorePersistence.FILE_NAME), b("not an MVStore file at all, just text"));
        assertThatThrownBy(this::open).isInstanceOf(StoreException.class)
                .hasMessageContaining(MvStorePersistence.FILE_NAME);
    }

    @Test
    void aLeaseOnTheRealClockSurvivesAReopenAndThenExpiresOnTime() throws StoreException {
        EmbeddedStoreOptions options = EmbeddedStoreOptions.defaults(); // system clock
        Lease lease;
        try (EmbeddedKvStore store = EmbeddedKvStore.open(dataDir, options)) {
            lease = store.grantLease(Duration.ofSeconds(2));
            store.put("k", b("v"), lease.id());
        }
        try (EmbeddedKvStore store = EmbeddedKvStore.open(dataDir, options)) {
            assertThat(store.leaseTimeToLive(lease.id())).hasValueSatisfying(
                    ttl -> assertThat(ttl).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(2)));
            await().atMost(Duration.ofSeconds(10)).until(() -> store.get("k").isEmpty());
            assertThat(store.leaseTimeToLive(lease.id())).isEmpty();
        }
    }
}
