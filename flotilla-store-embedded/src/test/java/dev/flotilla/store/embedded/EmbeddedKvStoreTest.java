package dev.flotilla.store.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.flotilla.store.ConnectionState;
import dev.flotilla.store.KeyValue;
import dev.flotilla.store.Lease;
import dev.flotilla.store.Op;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.TxnResult;
import dev.flotilla.store.Watch;
import dev.flotilla.store.WatchEvent;
import dev.flotilla.store.WatchListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Behaviour of the embedded store beyond the shared contract: revision numbering, etcd's refusals, close. */
@SuppressWarnings("try") // watches held open by try-with-resources, unused in the body
class EmbeddedKvStoreTest {

    private final EmbeddedKvStore store = EmbeddedKvStore.inMemory();

    @AfterEach
    void close() {
        store.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    @Test
    void emptyStoreIsAtRevisionOneAndTheFirstWriteIsRevisionTwo() throws StoreException {
        assertThat(store.range("").revision()).isEqualTo(1);
        assertThat(store.put("a", b("1"))).isEqualTo(2);
        assertThat(store.put("b", b("2"))).isEqualTo(3);
    }

    @Test
    void writesThatChangeNothingDoNotAdvanceTheRevision() throws StoreException {
        long rev = store.put("a", b("1"));
        assertThat(store.delete("missing")).isFalse();
        assertThat(store.deletePrefix("nothing/")).isZero();
        TxnResult readOnly = store.txn(List.of(), List.of(new Op.Get("a", false), new Op.Delete("missing", false)),
                List.of());
        assertThat(readOnly.revision()).isEqualTo(rev);
        Lease lease = store.grantLease(Duration.ofSeconds(5));
        store.keepAliveOnce(lease.id());
        store.revokeLease(lease.id()); // no keys attached
        assertThat(store.range("").revision()).isEqualTo(rev);
        assertThat(store.put("b", b("2"))).isEqualTo(rev + 1);
    }

    @Test
    void txnThatWritesAKeyTwiceIsRefusedLikeEtcdAndChangesNothing() throws StoreException {
        long rev = store.put("a", b("1"));
        assertThatThrownBy(() -> store.txn(List.of(), List.of(new Op.Put("k", b("1")), new Op.Put("k", b("2"))),
                List.of())).isInstanceOf(StoreException.class).hasMessageContaining("'k' twice");
        assertThatThrownBy(() -> store.txn(List.of(), List.of(),
                List.of(new Op.Delete("dir/", true), new Op.Put("dir/x", b("1")))))
                .isInstanceOf(StoreException.class).hasMessageContaining("'dir/x'");
        assertThat(store.range("").revision()).isEqualTo(rev);
        assertThat(store.get("k")).isEmpty();
    }

    @Test
    void txnGetsReadAtTheRevisionBeforeTheBranchWrites() throws StoreException {
        long rev = store.put("a", b("old"));
        TxnResult result = store.txn(List.of(), List.of(new Op.Put("a", b("new")), new Op.Get("a", false)), List.of());
        assertThat(result.revision()).isEqualTo(rev + 1);
        assertThat(result.gets().getFirst().revision()).isEqualTo(rev);
        assertThat(result.gets().getFirst().kvs()).extracting(KeyValue::valueAsString).containsExactly("old");
    }

    @Test
    void rangeSortsKeysByCodePointLikeEtcdsByteOrder() throws StoreException {
        store.put("k/\uD83D\uDEA2", b("ship, U+1F6A2")); // UTF-16 order would put this first
        store.put("k/\uFFFD", b("U+FFFD"));
        store.put("k/z", b("z"));
        assertThat(store.range("k/").kvs()).extracting(KeyValue::valueAsString)
                .containsExactly("z", "U+FFFD", "ship, U+1F6A2");
    }

    @Test
    void putCopiesTheCallersArray() throws StoreException {
        byte[] value = b("before");
        store.put("k", value);
        value[0] = 'X';
        assertThat(store.get("k").orElseThrow().valueAsString()).isEqualTo("before");
    }

    @Test
    void emptyKeysAndNegativeStartRevisionsAreProgrammingErrors() {
        assertThatThrownBy(() -> store.put("", b("v"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.watch("k", false, -1, events -> { }))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.grantLease(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void leaseTtlIsRoundedUpToWholeSecondsWithAMinimumOfOne() throws StoreException {
        assertThat(store.grantLease(Duration.ofMillis(1)).ttl()).isEqualTo(Duration.ofSeconds(1));
        assertThat(store.grantLease(Duration.ofMillis(2500)).ttl()).isEqualTo(Duration.ofSeconds(3));
        assertThat(store.grantLease(Duration.ofSeconds(7)).ttl()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void revokeDeletesEveryAttachedKeyAtOneRevisionInOneBatch() throws StoreException {
        Lease lease = store.grantLease(Duration.ofSeconds(60));
        store.put("m/1", b("1"), lease.id());
        store.put("m/2", b("2"), lease.id());
        store.put("m/3", b("3"), lease.id());
        List<List<WatchEvent>> batches = new CopyOnWriteArrayList<>();
        try (Watch ignored = store.watch("m/", true, 0, batches::add)) {
            store.revokeLease(lease.id());
            await().atMost(Duration.ofSeconds(5)).until(() -> !batches.isEmpty());
            List<WatchEvent> deletes = batches.getFirst();
            assertThat(deletes).extracting(e -> e.kv().key()).containsExactly("m/1", "m/2", "m/3");
            assertThat(deletes).extracting(WatchEvent::type).containsOnly(WatchEvent.Type.DELETE);
            assertThat(deletes).extracting(WatchEvent::revision).containsOnly(store.range("").revision());
            assertThat(deletes.getFirst().kv().value()).isEmpty();
        }
    }

    @Test
    void reputtingAKeyUnderAnotherLeaseMovesItToThatLease() throws StoreException {
        Lease first = store.grantLease(Duration.ofSeconds(60));
        Lease second = store.grantLease(Duration.ofSeconds(60));
        store.put("k", b("1"), first.id());
        store.put("k", b("2"), second.id());
        store.revokeLease(first.id());
        assertThat(store.get("k").orElseThrow().lease()).isEqualTo(second.id());
        store.revokeLease(second.id());
        assertThat(store.get("k")).isEmpty();
    }

    @Test
    void closeEndsWatchesQuietlyKeepsTheStateConnectedAndRefusesLaterCalls() throws Exception {
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger stateChanges = new AtomicInteger();
        store.addConnectionStateListener((previous, current) -> stateChanges.incrementAndGet());
        store.watch("k", true, 0, new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> events) {
            }

            @Override
            public void onError(StoreException error) {
                errors.incrementAndGet();
            }
        });
        store.close();
        store.close(); // idempotent
        assertThatThrownBy(() -> store.get("k")).isInstanceOf(StoreException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> store.put("k", b("v"))).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> store.watch("k", false, 0, events -> { })).isInstanceOf(StoreException.class);
        assertThat(store.connectionState()).isEqualTo(ConnectionState.CONNECTED);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
                .until(() -> errors.get() == 0 && stateChanges.get() == 0);
    }

    @Test
    void keepAliveOfAnUnknownLeaseFailsAtOnce() {
        assertThatThrownBy(() -> store.keepAlive(12345, id -> { }))
                .isInstanceOf(dev.flotilla.store.LeaseNotFoundException.class);
    }
}
