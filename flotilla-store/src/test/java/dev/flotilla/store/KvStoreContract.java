package dev.flotilla.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The behaviour every {@link KvStore} backend must show, run against each of them (embedded and
 * etcd). A subclass supplies the store; each test works under its own key prefix, so one store
 * may serve the whole class. Timing-dependent checks (lease expiry) wait on conditions with
 * generous bounds, never fixed sleeps: etcd checks expiry about every half second and enforces a
 * minimum TTL of about two seconds.
 */
public abstract class KvStoreContract {

    /** The lease TTL the suite asks for: etcd's minimum, so expiry tests stay short on every backend. */
    protected static final Duration TTL = Duration.ofSeconds(2);
    /** Upper bound for a lease of {@link #TTL} to be seen expired, with room for a loaded machine. */
    private static final Duration EXPIRY_BOUND = Duration.ofSeconds(15);

    private static final AtomicLong SEQUENCE = new AtomicLong();

    /** Prefix unique to the running test; every key a test touches starts with it. */
    protected String p;

    /** The store under test; may be shared by all tests of the class, and is not closed by the suite. */
    protected abstract KvStore store();

    @BeforeEach
    void uniquePrefix(TestInfo info) {
        p = "/contract/" + info.getTestMethod().orElseThrow().getName() + "-" + System.nanoTime() + "-"
                + SEQUENCE.incrementAndGet() + "/";
    }

    protected static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    // ---- get / put ----------------------------------------------------------------------------

    @Test
    void getOfMissingKeyIsEmpty() throws StoreException {
        assertThat(store().get(p + "nothing")).isEmpty();
    }

    @Test
    void putThenGetReturnsValueWithRevisionsAndVersion() throws StoreException {
        long rev1 = store().put(p + "k", b("one"));
        KeyValue first = store().get(p + "k").orElseThrow();
        assertThat(first.valueAsString()).isEqualTo("one");
        assertThat(first.createRevision()).isEqualTo(rev1);
        assertThat(first.modRevision()).isEqualTo(rev1);
        assertThat(first.version()).isEqualTo(1);
        assertThat(first.lease()).isEqualTo(Lease.NONE);

        long rev2 = store().put(p + "k", b("two"));
        assertThat(rev2).isGreaterThan(rev1);
        KeyValue second = store().get(p + "k").orElseThrow();
        assertThat(second.valueAsString()).isEqualTo("two");
        assertThat(second.createRevision()).isEqualTo(rev1);
        assertThat(second.modRevision()).isEqualTo(rev2);
        assertThat(second.version()).isEqualTo(2);
    }

    @Test
    void recreatedKeyStartsAtVersionOneWithNewCreateRevision() throws StoreException {
        store().put(p + "k", b("a"));
        store().put(p + "k", b("b"));
        store().delete(p + "k");
        long rev = store().put(p + "k", b("c"));
        KeyValue kv = store().get(p + "k").orElseThrow();
        assertThat(kv.version()).isEqualTo(1);
        assertThat(kv.createRevision()).isEqualTo(rev);
    }

    @Test
    void binaryValuesAndUnicodeKeysRoundTrip() throws StoreException {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        String key = p + "ключ/鍵/🚢";
        store().put(key, all);
        assertThat(store().get(key).orElseThrow().value()).isEqualTo(all);
        store().put(p + "empty", new byte[0]);
        assertThat(store().get(p + "empty").orElseThrow().value()).isEmpty();
    }

    // ---- range --------------------------------------------------------------------------------

    @Test
    void rangeReturnsOnlyKeysUnderThePrefixSortedByKey() throws StoreException {
        store().put(p + "units/c", b("3"));
        store().put(p + "units/a", b("1"));
        store().put(p + "units/b", b("2"));
        store().put(p + "units", b("not under units/"));
        store().put(p + "unitsX/a", b("sibling"));
        long last = store().put(p + "machines/a", b("other"));

        RangeResult range = store().range(p + "units/");
        assertThat(range.kvs()).extracting(KeyValue::key)
                .containsExactly(p + "units/a", p + "units/b", p + "units/c");
        assertThat(range.kvs()).extracting(KeyValue::valueAsString).containsExactly("1", "2", "3");
        assertThat(range.revision()).isGreaterThanOrEqualTo(last);
    }

    @Test
    void rangeOfEmptyPrefixRegionIsEmptyButCarriesRevision() throws StoreException {
        long rev = store().put(p + "x", b("x"));
        RangeResult range = store().range(p + "nothing-here/");
        assertThat(range.kvs()).isEmpty();
        assertThat(range.revision()).isGreaterThanOrEqualTo(rev);
    }

    // ---- delete -------------------------------------------------------------------------------

    @Test
    void deleteSaysWhetherTheKeyExisted() throws StoreException {
        store().put(p + "k", b("v"));
        assertThat(store().delete(p + "k")).isTrue();
        assertThat(store().delete(p + "k")).isFalse();
        assertThat(store().get(p + "k")).isEmpty();
    }

    @Test
    void deletePrefixRemovesOnlyKeysUnderThePrefix() throws StoreException {
        store().put(p + "d/1", b("1"));
        store().put(p + "d/2", b("2"));
        store().put(p + "d/3/x", b("3"));
        store().put(p + "dd", b("stays"));
        assertThat(store().deletePrefix(p + "d/")).isEqualTo(3);
        assertThat(store().range(p + "d/").kvs()).isEmpty();
        assertThat(store().get(p + "dd")).isPresent();
        assertThat(store().deletePrefix(p + "d/")).isZero();
    }

    // ---- transactions -------------------------------------------------------------------------

    @Test
    void txnAppliesThenBranchWhenAllComparesHold() throws StoreException {
        long rev = store().put(p + "a", b("1"));
        TxnResult result = store().txn(
                List.of(new Compare.ModRevision(p + "a", rev), new Compare.Value(p + "a", b("1")),
                        Compare.absent(p + "b")),
                List.of(new Op.Put(p + "b", b("2")), new Op.Put(p + "c", b("3")), new Op.Get(p + "a", false)),
                List.of(new Op.Put(p + "failed", b("x"))));
        assertThat(result.succeeded()).isTrue();
        assertThat(result.gets()).hasSize(1);
        assertThat(result.gets().getFirst().kvs()).extracting(KeyValue::valueAsString).containsExactly("1");
        KeyValue bKv = store().get(p + "b").orElseThrow();
        KeyValue cKv = store().get(p + "c").orElseThrow();
        assertThat(bKv.modRevision()).as("both writes of a txn share one revision").isEqualTo(cKv.modRevision());
        assertThat(result.revision()).isEqualTo(bKv.modRevision());
        assertThat(store().get(p + "failed")).isEmpty();
    }

    @Test
    void txnAppliesOtherwiseBranchWhenAnyCompareFails() throws StoreException {
        store().put(p + "a", b("1"));
        TxnResult result = store().txn(
                List.of(new Compare.Value(p + "a", b("1")), new Compare.Value(p + "a", b("wrong"))),
                List.of(new Op.Put(p + "then", b("x"))),
                List.of(new Op.Put(p + "otherwise", b("y")), new Op.Get(p, true)));
        assertThat(result.succeeded()).isFalse();
        assertThat(store().get(p + "then")).isEmpty();
        assertThat(store().get(p + "otherwise").orElseThrow().valueAsString()).isEqualTo("y");
        assertThat(result.gets().getFirst().kvs()).extracting(KeyValue::key)
                .as("a get sees the state before its branch's writes").containsExactly(p + "a");
    }

    @Test
    void txnValueCompareOnMissingKeyFails() throws StoreException {
        TxnResult result = store().txn(List.of(new Compare.Value(p + "missing", b(""))),
                List.of(new Op.Put(p + "x", b("x"))), List.of());
        assertThat(result.succeeded()).isFalse();
        assertThat(store().get(p + "x")).isEmpty();
    }

    @Test
    void txnVersionCompareCountsPuts() throws StoreException {
        store().put(p + "v", b("1"));
        store().put(p + "v", b("2"));
        assertThat(store().txn(List.of(new Compare.Version(p + "v", 2)), List.of(), List.of()).succeeded()).isTrue();
        assertThat(store().txn(List.of(new Compare.Version(p + "v", 1)), List.of(), List.of()).succeeded()).isFalse();
        assertThat(store().txn(List.of(Compare.absent(p + "v")), List.of(), List.of()).succeeded()).isFalse();
    }

    @Test
    void txnDeleteByPrefixAndPutInOneRevision() throws StoreException {
        store().put(p + "old/1", b("1"));
        store().put(p + "old/2", b("2"));
        TxnResult result = store().txn(List.of(),
                List.of(new Op.Delete(p + "old/", true), new Op.Put(p + "new", b("n"))), List.of());
        assertThat(result.succeeded()).isTrue();
        assertThat(store().range(p + "old/").kvs()).isEmpty();
        assertThat(store().get(p + "new").orElseThrow().modRevision()).isEqualTo(result.revision());
    }

    @Test
    void txnWritingOneKeyTwiceIsRefusedAndAppliesNothing() throws StoreException {
        assertThatThrownBy(() -> store().txn(List.of(),
                List.of(new Op.Put(p + "other", b("x")), new Op.Put(p + "twice", b("1")),
                        new Op.Put(p + "twice", b("2"))), List.of()))
                .isInstanceOf(StoreException.class)
                .isNotInstanceOf(TransientStoreException.class);
        assertThat(store().get(p + "twice")).isEmpty();
        assertThat(store().get(p + "other")).isEmpty();
    }

    @Test
    void compareAndPutRefusesAStaleRevisionAndKeepsTheNewerValue() throws StoreException {
        long first = store().put(p + "k", b("first"));
        store().put(p + "k", b("newer"));
        assertThat(store().compareAndPut(p + "k", first, b("stale"), Lease.NONE)).isFalse();
        assertThat(store().get(p + "k").orElseThrow().valueAsString()).isEqualTo("newer");
    }

    @Test
    void compareAndPutWithZeroCreatesOnlyWhenAbsent() throws StoreException {
        assertThat(store().compareAndPut(p + "k", 0, b("mine"), Lease.NONE)).isTrue();
        assertThat(store().compareAndPut(p + "k", 0, b("theirs"), Lease.NONE)).isFalse();
        assertThat(store().get(p + "k").orElseThrow().valueAsString()).isEqualTo("mine");
    }

    @Test
    void compareAndDeleteOnlyDeletesTheExpectedRevision() throws StoreException {
        long rev = store().put(p + "k", b("v"));
        store().put(p + "k", b("v2"));
        assertThat(store().compareAndDelete(p + "k", rev)).isFalse();
        long current = store().get(p + "k").orElseThrow().modRevision();
        assertThat(store().compareAndDelete(p + "k", current)).isTrue();
        assertThat(store().get(p + "k")).isEmpty();
    }

    @Test
    void concurrentCompareAndSetIncrementsLoseNoUpdate() throws Exception {
        String key = p + "counter";
        store().put(key, b("0"));
        int threads = 4;
        int perThread = 25;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        while (true) {
                            KeyValue kv = store().get(key).orElseThrow();
                            int next = Integer.parseInt(kv.valueAsString()) + 1;
                            if (store().compareAndPut(key, kv.modRevision(), b(Integer.toString(next)), Lease.NONE)) {
                                break;
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        assertThat(store().get(key).orElseThrow().valueAsString()).isEqualTo(Integer.toString(threads * perThread));
    }

    // ---- leases -------------------------------------------------------------------------------

    @Test
    void grantedLeaseHasAtLeastTheAskedTtlAndKeysAttachToIt() throws StoreException {
        Lease lease = store().grantLease(TTL);
        try {
            assertThat(lease.id()).isNotEqualTo(Lease.NONE);
            assertThat(lease.ttl()).isGreaterThanOrEqualTo(TTL);
            store().put(p + "k", b("v"), lease.id());
            assertThat(store().get(p + "k").orElseThrow().lease()).isEqualTo(lease.id());
            Optional<Duration> ttl = store().leaseTimeToLive(lease.id());
            assertThat(ttl).isPresent();
            assertThat(ttl.get()).isPositive().isLessThanOrEqualTo(lease.ttl());
        } finally {
            store().revokeLease(lease.id());
        }
    }

    @Test
    void revokingALeaseDeletesItsKeysOnly() throws StoreException {
        Lease lease = store().grantLease(Duration.ofSeconds(30));
        store().put(p + "leased/1", b("1"), lease.id());
        store().put(p + "leased/2", b("2"), lease.id());
        store().put(p + "free", b("f"));
        store().revokeLease(lease.id());
        assertThat(store().range(p + "leased/").kvs()).isEmpty();
        assertThat(store().get(p + "free")).isPresent();
        assertThat(store().leaseTimeToLive(lease.id())).isEmpty();
        store().revokeLease(lease.id()); // revoking again is a no-op
    }

    @Test
    void putWithUnknownLeaseFailsAndWritesNothing() throws StoreException {
        Lease lease = store().grantLease(Duration.ofSeconds(30));
        store().revokeLease(lease.id());
        assertThatThrownBy(() -> store().put(p + "k", b("v"), lease.id()))
                .isInstanceOf(LeaseNotFoundException.class);
        assertThat(store().get(p + "k")).isEmpty();
        assertThatThrownBy(() -> store().txn(List.of(),
                List.of(new Op.Put(p + "a", b("a")), new Op.Put(p + "b", b("b"), lease.id())), List.of()))
                .isInstanceOf(LeaseNotFoundException.class);
        assertThat(store().get(p + "a")).as("a txn with a bad lease applies nothing").isEmpty();
    }

    @Test
    void keepAliveOnceOfARevokedLeaseFails() throws StoreException {
        Lease lease = store().grantLease(Duration.ofSeconds(30));
        assertThat(store().keepAliveOnce(lease.id())).isPositive();
        store().revokeLease(lease.id());
        assertThatThrownBy(() -> store().keepAliveOnce(lease.id())).isInstanceOf(LeaseNotFoundException.class);
    }

    @Test
    void expiredLeaseDeletesItsKeysAndWatchersSeeTheDelete() throws StoreException {
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        try (Watch _ = store().watch(p, true, 0, batch -> events.addAll(batch))) {
            Lease lease = store().grantLease(TTL);
            store().put(p + "ephemeral", b("v"), lease.id());
            await().atMost(EXPIRY_BOUND).until(() -> store().get(p + "ephemeral").isEmpty());
            await().atMost(Duration.ofSeconds(5)).until(() -> events.stream()
                    .anyMatch(e -> e.type() == WatchEvent.Type.DELETE && e.kv().key().equals(p + "ephemeral")));
            assertThat(store().leaseTimeToLive(lease.id())).isEmpty();
        }
    }

    @Test
    void keepAliveHoldsALeasePastItsTtlAndClosingItLetsTheLeaseExpire() throws StoreException {
        Lease lease = store().grantLease(TTL);
        store().put(p + "alive", b("v"), lease.id());
        try (KeepAlive keepAlive = store().keepAlive(lease.id(), id -> { })) {
            assertThat(keepAlive.leaseId()).isEqualTo(lease.id());
            // Two full TTLs during which the key must never vanish.
            await().during(lease.ttl().multipliedBy(2)).atMost(lease.ttl().multipliedBy(3))
                    .until(() -> store().get(p + "alive").isPresent());
        }
        await().atMost(EXPIRY_BOUND).until(() -> store().get(p + "alive").isEmpty());
    }

    @Test
    void keepAliveTellsItsListenerOnceWhenTheLeaseIsRevoked() throws StoreException {
        Lease lease = store().grantLease(TTL);
        AtomicInteger lost = new AtomicInteger();
        AtomicLong lostId = new AtomicLong();
        try (KeepAlive _ = store().keepAlive(lease.id(), id -> {
            lost.incrementAndGet();
            lostId.set(id);
        })) {
            store().revokeLease(lease.id());
            await().atMost(EXPIRY_BOUND).until(() -> lost.get() == 1);
            assertThat(lostId.get()).isEqualTo(lease.id());
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> lost.get() == 1);
        }
    }

    @Test
    void rewritingAKeyWithoutALeaseDetachesItFromTheLease() throws StoreException {
        Lease lease = store().grantLease(Duration.ofSeconds(30));
        store().put(p + "k", b("leased"), lease.id());
        store().put(p + "k", b("free"));
        assertThat(store().get(p + "k").orElseThrow().lease()).isEqualTo(Lease.NONE);
        store().revokeLease(lease.id());
        assertThat(store().get(p + "k").orElseThrow().valueAsString()).isEqualTo("free");
    }

    // ---- watches ------------------------------------------------------------------------------

    @Test
    void watchOfAKeySeesPutsAndDeleteInOrder() throws StoreException {
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        try (Watch _ = store().watch(p + "k", false, 0, events::addAll)) {
            long r1 = store().put(p + "k", b("1"));
            store().put(p + "other", b("not watched"));
            long r2 = store().put(p + "k", b("2"));
            store().delete(p + "k");
            await().atMost(Duration.ofSeconds(5)).until(() -> events.size() >= 3);
            assertThat(events).extracting(WatchEvent::type)
                    .containsExactly(WatchEvent.Type.PUT, WatchEvent.Type.PUT, WatchEvent.Type.DELETE);
            assertThat(events.get(0).kv().valueAsString()).isEqualTo("1");
            assertThat(events.get(0).revision()).isEqualTo(r1);
            assertThat(events.get(1).kv().valueAsString()).isEqualTo("2");
            assertThat(events.get(1).revision()).isEqualTo(r2);
            assertThat(events.get(1).kv().version()).isEqualTo(2);
            assertThat(events.get(2).kv().key()).isEqualTo(p + "k");
            assertThat(events.get(2).revision()).isGreaterThan(r2);
        }
    }

    @Test
    void watchOfAPrefixSeesOnlyKeysUnderIt() throws StoreException {
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        try (Watch _ = store().watch(p + "w/", true, 0, events::addAll)) {
            store().put(p + "w/a", b("a"));
            store().put(p + "wx", b("outside"));
            store().put(p + "w/b/c", b("c"));
            store().put(p + "end", b("marker"));
            await().atMost(Duration.ofSeconds(5)).until(() -> events.size() >= 2);
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> events.size() == 2);
            assertThat(events).extracting(e -> e.kv().key()).containsExactly(p + "w/a", p + "w/b/c");
        }
    }

    @Test
    void watchFromAPastRevisionReplaysHistoryThenContinuesLive() throws StoreException {
        long r1 = store().put(p + "h/1", b("1"));
        store().put(p + "h/2", b("2"));
        store().delete(p + "h/1");
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        try (Watch _ = store().watch(p + "h/", true, r1, events::addAll)) {
            store().put(p + "h/3", b("3"));
            await().atMost(Duration.ofSeconds(5)).until(() -> events.size() >= 4);
            assertThat(events).extracting(e -> e.type() + " " + e.kv().key()).containsExactly(
                    "PUT " + p + "h/1", "PUT " + p + "h/2", "DELETE " + p + "h/1", "PUT " + p + "h/3");
            assertThat(events.getFirst().revision()).isEqualTo(r1);
        }
    }

    @Test
    void watchFromZeroSeesOnlyLaterChanges() throws StoreException {
        store().put(p + "f/before", b("old"));
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        try (Watch _ = store().watch(p + "f/", true, 0, events::addAll)) {
            store().put(p + "f/after", b("new"));
            await().atMost(Duration.ofSeconds(5)).until(() -> !events.isEmpty());
            assertThat(events).extracting(e -> e.kv().key()).containsExactly(p + "f/after");
        }
    }

    @Test
    void rangeThenWatchFromNextRevisionMissesNothingAndRepeatsNothing() throws StoreException {
        store().put(p + "s/a", b("a"));
        RangeResult snapshot = store().range(p + "s/");
        store().put(p + "s/b", b("b")); // written between the read and the watch
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        try (Watch _ = store().watch(p + "s/", true, snapshot.revision() + 1, events::addAll)) {
            store().put(p + "s/c", b("c"));
            await().atMost(Duration.ofSeconds(5)).until(() -> events.size() >= 2);
            assertThat(events).extracting(e -> e.kv().key()).containsExactly(p + "s/b", p + "s/c");
        }
    }

    @Test
    void eventsOfOneTransactionArriveInOneBatch() throws StoreException {
        List<List<WatchEvent>> batches = new CopyOnWriteArrayList<>();
        try (Watch _ = store().watch(p, true, 0, batches::add)) {
            TxnResult txn = store().txn(List.of(),
                    List.of(new Op.Put(p + "t/1", b("1")), new Op.Put(p + "t/2", b("2")),
                            new Op.Put(p + "t/3", b("3"))), List.of());
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> batches.stream().mapToInt(List::size).sum() >= 3);
            List<WatchEvent> withTxnRevision = batches.stream()
                    .filter(batch -> batch.stream().anyMatch(e -> e.revision() == txn.revision())).findFirst()
                    .orElseThrow();
            assertThat(withTxnRevision).extracting(e -> e.kv().key()).contains(p + "t/1", p + "t/2", p + "t/3");
            assertThat(withTxnRevision).extracting(WatchEvent::revision).containsOnly(txn.revision());
        }
    }

    @Test
    void closedWatchDeliversNothingMore() throws StoreException {
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        Watch watch = store().watch(p, true, 0, events::addAll);
        store().put(p + "1", b("1"));
        await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 1);
        watch.close();
        store().put(p + "2", b("2"));
        // A second watch on the same prefix proves the write was delivered to watchers at all.
        List<WatchEvent> control = new CopyOnWriteArrayList<>();
        try (Watch _ = store().watch(p, true, 1 + store().get(p + "1").orElseThrow().modRevision(),
                control::addAll)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> !control.isEmpty());
        }
        assertThat(events).hasSize(1);
    }

    @Test
    void concurrentWritersAreSeenExactlyOnceInRevisionOrder() throws Exception {
        int writers = 4;
        int perWriter = 50;
        List<WatchEvent> events = Collections.synchronizedList(new ArrayList<>());
        try (Watch _ = store().watch(p, true, 0, events::addAll);
             ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perWriter; i++) {
                        store().put(p + writer + "/" + i, b(writer + ":" + i));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= writers * perWriter);
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                    .until(() -> events.size() == writers * perWriter);
        }
        List<Long> revisions = events.stream().map(WatchEvent::revision).toList();
        assertThat(revisions).doesNotHaveDuplicates().isSorted();
        for (int w = 0; w < writers; w++) {
            String writerPrefix = p + w + "/";
            List<String> values = events.stream().filter(e -> e.kv().key().startsWith(writerPrefix))
                    .map(e -> e.kv().valueAsString()).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < perWriter; i++) {
                expected.add(w + ":" + i);
            }
            assertThat(values).as("writer %d's puts, in the order it made them", w).isEqualTo(expected);
        }
    }

    // ---- connection ---------------------------------------------------------------------------

    @Test
    void aServingStoreIsConnected() throws StoreException {
        store().get(p + "ping");
        assertThat(store().connectionState()).isEqualTo(ConnectionState.CONNECTED);
    }
}
