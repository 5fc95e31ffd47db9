package dev.flotilla.store.embedded;

import dev.flotilla.store.KeyValue;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.TransientStoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

/**
 * Persists the store in one H2 MVStore file, {@code flotilla.mv.db}, in a data directory.
 *
 * <p>Layout: map {@code kv} (key to encoded {@link KeyValue} minus the key), map {@code leases}
 * (lease ID to TTL and absolute deadline), map {@code meta} (revision, next lease ID, format).
 * Watch history is not persisted. Every {@link #write} ends with an MVStore commit, which hands
 * the new chunk to the operating system, so a returned write survives the process being killed;
 * with {@code fsync} it is also forced to the device, so it survives a power loss or OS crash.
 *
 * <p>MVStore locks the file while open: a second store (in this or another process) on the same
 * directory is refused. Not thread-safe; see {@link Persistence}.
 */
final class MvStorePersistence implements Persistence {

    static final String FILE_NAME = "flotilla.mv.db";
    private static final long FORMAT = 1;

    private final Path file;
    private final boolean fsync;
    private final MVStore store;
    private final MVMap<String, byte[]> kv;
    private final MVMap<Long, byte[]> leases;
    private final MVMap<String, Long> meta;

    private MvStorePersistence(Path file, boolean fsync, MVStore store) {
        this.file = file;
        this.fsync = fsync;
        this.store = store;
        this.kv = store.openMap("kv");
        this.leases = store.openMap("leases");
        this.meta = store.openMap("meta");
        if (fsync) {
            // MVStore keeps dead chunks for 45 s in case the OS has not yet flushed the chunks that
            // replaced them; without reuse, every commit grows the file (by ~17 KB). Here each commit
            // is forced to the device before the next one, so dead chunks may be reused at once.
            // (Without fsync the 45 s stay: the file then grows to ~45 s worth of commits at the
            // peak write rate, and is reused from then on.)
            store.setRetentionTime(0);
        }
    }

    /**
     * Opens (creating when missing) the store file in {@code dataDir}.
     *
     * @throws StoreException when the directory cannot be created, the file is locked by another
     *     open store, or it is not a Flotilla store file of a format this version reads
     */
    static MvStorePersistence open(Path dataDir, boolean fsync) throws StoreException {
        Path file = dataDir.toAbsolutePath().resolve(FILE_NAME);
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new StoreException("cannot create the data directory " + file.getParent() + ": " + e, e);
        }
        MVStore store;
        try {
            store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open();
        } catch (MVStoreException e) {
            if (e.getErrorCode() == DataUtils.ERROR_FILE_LOCKED) {
                throw new StoreException("the data directory " + file.getParent() + " is in use: " + file
                        + " is locked by another open store (another flotilla process, or another store in"
                        + " this one); stop that process or use a different data directory", e);
            }
            throw new StoreException("cannot open the store file " + file + ": " + e.getMessage(), e);
        }
        MvStorePersistence persistence = new MvStorePersistence(file, fsync, store);
        try {
            persistence.checkFormat();
            return persistence;
        } catch (StoreException | RuntimeException e) {
            persistence.close();
            throw e;
        }
    }

    @Override
    public Snapshot load() throws StoreException {
        try {
            List<KeyValue> kvs = new ArrayList<>(kv.size());
            for (Map.Entry<String, byte[]> e : kv.entrySet()) {
                kvs.add(decodeKeyValue(e.getKey(), e.getValue()));
            }
            List<LeaseRecord> live = new ArrayList<>(leases.size());
            for (Map.Entry<Long, byte[]> e : leases.entrySet()) {
                live.add(decodeLease(e.getKey(), e.getValue()));
            }
            return new Snapshot(meta.getOrDefault("revision", Keyspace.INITIAL_REVISION),
                    meta.getOrDefault("nextLeaseId", Snapshot.FIRST_LEASE_ID), kvs, live);
        } catch (MVStoreException | IllegalArgumentException | java.nio.BufferUnderflowException e) {
            throw new StoreException("cannot read the store file " + file + " (damaged?): " + e, e);
        }
    }

    @Override
    public void write(Commit commit) throws StoreException {
        try {
            for (Commit.KeyChange change : commit.keys()) {
                if (change.after() == null) {
                    kv.remove(change.key());
                } else {
                    kv.put(change.key(), encode(change.after()));
                }
            }
            for (Commit.LeaseChange change : commit.leases()) {
                switch (change) {
                    case Commit.LeaseChange.Upsert u -> leases.put(u.id(), encode(u.lease()));
                    case Commit.LeaseChange.Removal r -> leases.remove(r.id());
                }
            }
            meta.put("revision", commit.revision());
            meta.put("nextLeaseId", commit.nextLeaseId());
            store.commit();
            if (fsync) {
                store.sync();
            }
        } catch (MVStoreException | IllegalStateException e) {
            // Whether the chunk reached the file is unknown, so memory and disk may now disagree:
            // stop rather than acknowledge later writes on top of an unknown state.
            store.closeImmediately();
            throw new TransientStoreException("cannot write revision " + commit.revision() + " to " + file + ": "
                    + e.getMessage() + "; the write may or may not be on disk, and the store has stopped:"
                    + " check the disk, then reopen the data directory", e);
        }
    }

    @Override
    public void close() {
        if (!store.isClosed()) {
            store.close();
        }
    }

    @Override
    public String describe() {
        return "in " + file.getParent();
    }

    private void checkFormat() throws StoreException {
        Long format = meta.get("format");
        if (format == null && kv.isEmpty() && leases.isEmpty() && meta.isEmpty()) {
            meta.put("format", FORMAT);
            store.commit();
        } else if (format == null || format != FORMAT) {
            throw new StoreException(file + " is not a Flotilla store of format " + FORMAT + " (found format "
                    + format + "); use a data directory written by this Flotilla version");
        }
    }

    private static byte[] encode(KeyValue kv) {
        return ByteBuffer.allocate(4 * Long.BYTES + kv.value().length).putLong(kv.createRevision())
                .putLong(kv.modRevision()).putLong(kv.version()).putLong(kv.lease()).put(kv.value()).array();
    }

    private static KeyValue decodeKeyValue(String key, byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        long create = buf.getLong();
        long mod = buf.getLong();
        long version = buf.getLong();
        long lease = buf.getLong();
        byte[] value = new byte[buf.remaining()];
        buf.get(value);
        return new KeyValue(key, value, create, mod, version, lease);
    }

    private static byte[] encode(LeaseRecord lease) {
        return ByteBuffer.allocate(3 * Long.BYTES).putLong(lease.ttl().toMillis())
                .putLong(lease.deadline().getEpochSecond()).putLong(lease.deadline().getNano()).array();
    }

    private static LeaseRecord decodeLease(long id, byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        Duration ttl = Duration.ofMillis(buf.getLong());
        return new LeaseRecord(id, ttl, Instant.ofEpochSecond(buf.getLong(), buf.getLong()));
    }
}
