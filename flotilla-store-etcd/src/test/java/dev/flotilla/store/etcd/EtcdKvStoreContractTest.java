package dev.flotilla.store.etcd;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.flotilla.store.KvStore;
import dev.flotilla.store.KvStoreContract;
import dev.flotilla.store.StoreException;
import dev.flotilla.testkit.EtcdServer;

/** The store contract against a real single-member etcd, one for the whole class. */
class EtcdKvStoreContractTest extends KvStoreContract {
    private static EtcdServer etcd;
    private static EtcdKvStore store;

    @BeforeAll
    static void startEtcd() throws StoreException {
        etcd = EtcdServer.startNew();
        store = EtcdKvStore.connect(EtcdConfig.of(etcd.endpoint()));
    }

    @AfterAll
    static void stopEtcd() {
        if (store != null) {
            store.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @Override
    protected KvStore store() {
        return store;
    }
}
