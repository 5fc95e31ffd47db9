package dev.flotilla.store.embedded;

import dev.flotilla.store.KvStore;
import dev.flotilla.store.KvStoreContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The store contract against a fresh in-memory store per test. */
class InMemoryKvStoreContractTest extends KvStoreContract {

    private EmbeddedKvStore store;

    @BeforeEach
    void openStore() {
        store = EmbeddedKvStore.inMemory();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Override
    protected KvStore store() {
        return store;
    }
}
