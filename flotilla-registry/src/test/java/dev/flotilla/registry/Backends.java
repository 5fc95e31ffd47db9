package dev.flotilla.registry;

import dev.flotilla.store.StoreException;
import dev.flotilla.store.etcd.EtcdConfig;
import dev.flotilla.store.etcd.EtcdKvStore;
import dev.flotilla.testkit.EtcdServer;

/** A real etcd member and a store connected to it, one per test class. */
final class Backends {

    private Backends() {
    }

    /** A running etcd member and its store; close to stop both. */
    record Etcd(EtcdServer server, EtcdKvStore store) implements AutoCloseable {
        static Etcd start() throws StoreException {
            EtcdServer server = EtcdServer.startNew();
            try {
                return new Etcd(server, EtcdKvStore.connect(EtcdConfig.of(server.endpoint())));
            } catch (StoreException | RuntimeException e) {
                server.close();
                throw e;
            }
        }

        @Override
        public void close() {
            store.close();
            server.close();
        }
    }
}
