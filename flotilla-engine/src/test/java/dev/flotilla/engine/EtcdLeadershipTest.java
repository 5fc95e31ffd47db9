package dev.flotilla.engine;

import dev.flotilla.store.KvStore;
import dev.flotilla.store.StoreException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link LeadershipContract} on a real etcd, one for the class. */
class EtcdLeadershipTest extends LeadershipContract {
    private static EtcdBackend etcd;

    @BeforeAll
    static void start() throws StoreException {
        etcd = EtcdBackend.start();
    }

    @AfterAll
    static void stop() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @Override
    KvStore store() {
        return etcd.store();
    }
}
