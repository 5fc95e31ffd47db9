package dev.flotilla.registry;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.flotilla.store.KeyValue;
import dev.flotilla.store.KvStore;
import dev.flotilla.store.Lease;
import dev.flotilla.store.StoreException;

/**
 * The keys of the cluster's users, beside the registry: what sidekicks write ({@code /services/web/web01/host},
 * as the seed's {@code etcdctl set ... --ttl 10} did) and what a load balancer reads. A user key is the store
 * key as given, so {@code etcdctl get /services/web/web01/host} and {@code flotilla kv get} see the same
 * value; only the registry's own keys (everything under its root, docs/key-layout.md) and etcd's probe key
 * are off limits, so that nothing written here can corrupt the cluster's state. A key with a TTL hangs off a
 * lease of its own and vanishes when the TTL runs out (each write of it starts a new lease, as etcdctl did).
 *
 * <p>Failure: every method propagates the store's {@link StoreException}; a key or prefix that breaks the
 * rules ({@link #checkKey}, {@link #checkPrefix}) is an {@link IllegalArgumentException} naming the rule, and
 * nothing is read or written. Thread-safe: holds no mutable state.
 */
public final class UserKeys {

    /** The longest key accepted, in bytes of UTF-8 (etcd's keys may be longer; nobody's service keys are). */
    public static final int MAX_KEY_BYTES = 1024;
    /** The largest value accepted, in bytes of UTF-8: well under etcd's default request limit of 1.5 MiB. */
    public static final int MAX_VALUE_BYTES = 1024 * 1024;
    /** The longest TTL accepted: ten years, the CLI's bound too. */
    public static final Duration MAX_TTL = Duration.ofDays(3650);
    /** The key the etcd backend reads to learn whether etcd answers; a user must not take it over. */
    static final String PROBE_KEY = "/.flotilla-probe";

    /**
     * A user key as stored.
     *
     * @param key the key, e.g. {@code /services/web/web01/host}
     * @param value the value as UTF-8 text
     * @param createRevision the store revision that created the key
     * @param modRevision the store revision of its last write
     * @param version how many writes since it was created (1: new)
     * @param lease the lease it hangs off, {@link Lease#NONE} without a TTL
     */
    public record Entry(String key, String value, long createRevision, long modRevision, long version, long lease) {

        static Entry of(KeyValue kv) {
            return new Entry(kv.key(), kv.valueAsString(), kv.createRevision(), kv.modRevision(), kv.version(),
                    kv.lease());
        }

        /** Whether the key has a TTL (hangs off a lease). */
        public boolean expires() {
            return lease != Lease.NONE;
        }
    }

    private final KvStore store;
    private final String root;

    UserKeys(KvStore store, String root) {
        this.store = store;
        this.root = root;
    }

    /**
     * The key's value, or empty when it does not exist.
     *
     * @throws IllegalArgumentException when {@code key} breaks the rules of {@link #checkKey}
     */
    public Optional<Entry> get(String key) throws StoreException {
        checkKey(key);
        return store.get(key).map(Entry::of);
    }

    /**
     * How long the key has left before it expires; empty when it has no TTL, or its lease just ran out.
     *
     * @throws StoreException when the store fails
     */
    public Optional<Duration> timeToLive(Entry entry) throws StoreException {
        return entry.expires() ? store.leaseTimeToLive(entry.lease()) : Optional.empty();
    }

    /**
     * Every user key under {@code prefix}, sorted by key, read at one revision. The registry's keys are left
     * out (listing {@code /} lists every user key, but reads the whole store to do it).
     *
     * @throws IllegalArgumentException when {@code prefix} breaks the rules of {@link #checkPrefix}
     */
    public List<Entry> list(String prefix) throws StoreException {
        checkPrefix(prefix);
        List<Entry> out = new ArrayList<>();
        for (KeyValue kv : store.range(prefix).kvs()) {
            if (!reserved(kv.key())) {
                out.add(Entry.of(kv));
            }
        }
        return out;
    }

    /**
     * Writes {@code value} under {@code key}; with a {@code ttl}, on a new lease of that TTL (the store may round
     * it up), so that the key vanishes unless written again in time. Returns the key as written.
     *
     * @throws IllegalArgumentException when the key breaks the rules of {@link #checkKey}, the value is over
     *     {@link #MAX_VALUE_BYTES}, or the TTL is not between 1 s and {@link #MAX_TTL}
     */
    public Entry put(String key, String value, Optional<Duration> ttl) throws StoreException {
        checkKey(key);
        byte[] bytes = value.getBytes(UTF_8);
        if (bytes.length > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("the value of " + key + " is " + bytes.length + " bytes; at most "
                    + MAX_VALUE_BYTES + " (1 MiB) are accepted");
        }
        if (ttl.isPresent() && (ttl.get().compareTo(Duration.ofSeconds(1)) < 0 || ttl.get().compareTo(MAX_TTL) > 0)) {
            throw new IllegalArgumentException("a TTL must be from 1 second to " + MAX_TTL.toSeconds() + " seconds, not "
                    + ttl.get().toSeconds());
        }
        long lease = Lease.NONE;
        if (ttl.isPresent()) {
            lease = store.grantLease(ttl.get()).id();
        }
        try {
            store.put(key, bytes, lease);
        } catch (StoreException | RuntimeException e) {
            if (lease != Lease.NONE) {
                revokeQuietly(lease);
            }
            throw e;
        }
        // The write's own revision and version, read back: put returns the revision only.
        return store.get(key).map(Entry::of)
                .orElseGet(() -> new Entry(key, value, 0, 0, 0, Lease.NONE)); // deleted (or expired) meanwhile
    }

    /**
     * Deletes the key. Returns whether it existed.
     *
     * @throws IllegalArgumentException when {@code key} breaks the rules of {@link #checkKey}
     */
    public boolean delete(String key) throws StoreException {
        checkKey(key);
        return store.delete(key);
    }

    /**
     * Deletes every key under {@code prefix} in one revision. Returns how many were deleted.
     *
     * @throws IllegalArgumentException when {@code prefix} breaks the rules of {@link #checkPrefix}, or it
     *     covers the registry's root (it would delete the cluster's own state)
     */
    public long deletePrefix(String prefix) throws StoreException {
        checkPrefix(prefix);
        if (root.startsWith(prefix) || PROBE_KEY.startsWith(prefix)) {
            throw new IllegalArgumentException("prefix " + prefix + " covers the cluster's own keys under " + root
                    + ": give a longer one");
        }
        return store.deletePrefix(prefix);
    }

    /**
     * Checks a key: it starts with {@code /} and has more after it, is at most {@link #MAX_KEY_BYTES} bytes of
     * UTF-8, holds no control character, and is not one of the cluster's own keys.
     *
     * @throws IllegalArgumentException naming the rule broken
     */
    public void checkKey(String key) {
        checkShape(key, "key");
        if (key.length() == 1) {
            throw new IllegalArgumentException("a key needs a name after the /, e.g. /services/web/web01/host");
        }
        if (reserved(key)) {
            throw new ReservedKeyException(key, root);
        }
    }

    /**
     * Checks a prefix: it starts with {@code /} (and may be only that), is at most {@link #MAX_KEY_BYTES} bytes,
     * holds no control character, and does not lie inside the registry's root.
     *
     * @throws IllegalArgumentException naming the rule broken
     */
    public void checkPrefix(String prefix) {
        checkShape(prefix, "prefix");
        if (prefix.startsWith(root)) {
            throw new ReservedKeyException(prefix, root);
        }
    }

    /** The prefix of the cluster's own keys, which user keys may not touch. */
    public String reservedPrefix() {
        return root;
    }

    private boolean reserved(String key) {
        return key.startsWith(root) || key.equals(PROBE_KEY);
    }

    private static void checkShape(String key, String what) {
        if (key == null || key.isEmpty() || key.charAt(0) != '/') {
            throw new IllegalArgumentException("a " + what + " starts with /, e.g. /services/web/; got \""
                    + (key == null ? "" : key) + "\"");
        }
        int bytes = key.getBytes(UTF_8).length;
        if (bytes > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("a " + what + " is at most " + MAX_KEY_BYTES + " bytes; this one has "
                    + bytes);
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException("a " + what + " holds no control characters; this one has U+"
                        + String.format("%04X", (int) c) + " at position " + i);
            }
        }
    }

    private void revokeQuietly(long lease) {
        try {
            store.revokeLease(lease);
        } catch (StoreException | RuntimeException e) {
            // The lease expires on its own after its TTL; it holds no key.
        }
    }

    /** A key or prefix inside the cluster's own keys: refused, whatever the operation. */
    public static final class ReservedKeyException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        ReservedKeyException(String key, String root) {
            super(key + " is one of the cluster's own keys (everything under " + root + "): they change through the "
                    + "units API; flotilla kv --etcd reads and repairs them by hand");
        }
    }
}
