package dev.flotilla.registry;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.flotilla.store.KvStore;
import dev.flotilla.store.StoreException;

/** {@link ServicesContract} on a real single-member etcd, one for the class. */
class EtcdServicesTest extends ServicesContract {
    private static Backends.Etcd etcd;

    @BeforeAll
    static void start() throws StoreException {
        etcd = Backends.Etcd.start();
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
