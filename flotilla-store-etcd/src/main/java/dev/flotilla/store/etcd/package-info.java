/**
 * The store on etcd v3 ({@link dev.flotilla.store.etcd.EtcdKvStore}, configured by
 * {@link dev.flotilla.store.etcd.EtcdConfig}), through jetcd. Everything else here is internal:
 * error translation, the connection monitor, resumable watches and lease keep-alives.
 */
package dev.flotilla.store.etcd;
