package dev.flotilla.agent;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.flotilla.store.StoreException;
import dev.flotilla.store.etcd.EtcdConfig;
import dev.flotilla.store.etcd.EtcdKvStore;
import dev.flotilla.testkit.EtcdServer;

/** {@link ServiceEndpointsContract} on a real etcd member, one for the class. */
class EtcdServiceEndpointsTest extends ServiceEndpointsContract {

    private static EtcdServer etcd;
    private static EtcdKvStore store;

    @BeforeAll
    static void etcd() throws StoreException {
        etcd = EtcdServer.startNew();
        store = EtcdKvStore.connect(EtcdConfig.of(etcd.endpoint()));
    }

    @AfterAll
    static void stopEtcd() {
        store.close();
        etcd.close();
    }

    @Override
    TestCluster newCluster(String name) {
        return TestCluster.on(store, name);
    }
}
