package dev.flotilla.store.embedded;

import dev.flotilla.store.KvStore;
import dev.flotilla.store.KvStoreContract;
import dev.flotilla.store.StoreException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The store contract against a durable store in a fresh data directory per test (fsync on, the default). */
class DurableKvStoreContractTest extends KvStoreContract {

    @TempDir
    Path dataDir;

    private EmbeddedKvStore store;

    @BeforeEach
    void openStore() throws StoreException {
        store = EmbeddedKvStore.open(dataDir);
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
