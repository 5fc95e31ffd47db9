/**
 * The cluster store: a small key-value SPI shaped after etcd v3, which every other layer of
 * Flotilla stands on.
 *
 * <p>Model: a flat, ordered keyspace of UTF-8 string keys and byte values. Every change bumps a
 * single store-wide <em>revision</em>; each key remembers the revision that created it, the one
 * that last modified it and how many times it was written. Keys may be attached to a
 * {@linkplain Lease lease}: when the lease expires or is revoked, its keys are deleted (and the
 * deletions are seen by watchers like any other delete).
 *
 * <p>Backends: {@code flotilla-store-etcd} (etcd v3 through jetcd) and
 * {@code flotilla-store-embedded} (in-process, in memory or durable in a data directory). Both
 * pass the same contract suite, {@code KvStoreContract}, in this module's test jar.
 */
package dev.flotilla.store;
