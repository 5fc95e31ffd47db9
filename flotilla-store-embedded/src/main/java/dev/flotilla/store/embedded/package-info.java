/**
 * The embedded store backend: {@link dev.flotilla.store.embedded.EmbeddedKvStore}, an in-process
 * {@link dev.flotilla.store.KvStore} with etcd v3's semantics, in memory or durable in a data
 * directory. For dev mode (one process, N simulated machines) and single-machine installs.
 *
 * <h2>Revisions</h2>
 * As in etcd: an empty store is at revision 1 and the first write is revision 2. Every write that
 * changes at least one key takes the next revision (a transaction, a prefix delete, a lease
 * revocation or one lease's expiry: one revision for all its keys). Writes that change no key
 * (deleting a missing key, a read-only or empty transaction branch, granting or renewing a lease)
 * take none. Revisions never have gaps.
 *
 * <h2>Watch history</h2>
 * The store keeps only the newest version of each key, plus an in-memory history of the last
 * {@link dev.flotilla.store.embedded.EmbeddedStoreOptions#historySize()} events (100,000 by
 * default) for watches that start in the past. Revisions are dropped from it whole, oldest
 * first; a watch from a dropped revision gets {@link dev.flotilla.store.CompactedException}. The
 * history is not persisted: after a durable store is reopened at revision R, revisions up to R
 * count as compacted (watch from R + 1 or later).
 *
 * <h2>Durability</h2>
 * In memory, everything is gone on close. In a data directory (H2 MVStore, one file), every write
 * is committed to the file before it returns, and forced to the device unless fsync is turned off
 * (see {@link dev.flotilla.store.embedded.EmbeddedKvStore#open(java.nio.file.Path,
 * dev.flotilla.store.embedded.EmbeddedStoreOptions)}). Leases are stored with their absolute
 * deadline: time while the store is closed counts, leases that fell due meanwhile are expired on
 * open, and the others keep the time they had left. The directory can be open in one store at a
 * time; a second open, from this or another process, fails with a
 * {@link dev.flotilla.store.StoreException} saying the directory is in use.
 *
 * <h2>Close</h2>
 * Closing ends watches (their listeners are not called) and keep-alives (their listeners are not
 * called), releases the data directory, and makes every later call throw
 * {@link dev.flotilla.store.StoreException}. The connection state does not change: it is
 * {@link dev.flotilla.store.ConnectionState#CONNECTED} from open to close. It becomes
 * {@link dev.flotilla.store.ConnectionState#LOST} only if a durable write fails, which stops the
 * store.
 */
package dev.flotilla.store.embedded;
