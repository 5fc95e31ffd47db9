package dev.flotilla.registry;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.flotilla.store.KvStore;
import dev.flotilla.store.embedded.EmbeddedKvStore;

/** {@link ServicesContract} on the embedded in-memory store. */
class EmbeddedServicesTest extends ServicesContract {
    private static EmbeddedKvStore store;

    @BeforeAll
    static void open() {
        store = EmbeddedKvStore.inMemory();
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @Override
    KvStore store() {
        return store;
    }
}
