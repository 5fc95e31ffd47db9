package dev.flotilla.engine;

import dev.flotilla.store.StoreException;
import dev.flotilla.store.etcd.EtcdConfig;
import dev.flotilla.store.etcd.EtcdKvStore;
import dev.flotilla.testkit.EtcdServer;

/** A real single-member etcd and a store connected to it; one per test class. Close to stop both. */
record EtcdBackend(EtcdServer server, EtcdKvStore store) implements AutoCloseable {

    static EtcdBackend start() throws StoreException {
        EtcdServer server = EtcdServer.startNew();
        try {
            return new EtcdBackend(server, EtcdKvStore.connect(EtcdConfig.of(server.endpoint())));
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
