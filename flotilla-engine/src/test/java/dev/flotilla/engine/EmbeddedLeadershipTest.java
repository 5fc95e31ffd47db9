package dev.flotilla.engine;

import dev.flotilla.store.KvStore;
import dev.flotilla.store.embedded.EmbeddedKvStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link LeadershipContract} on the embedded in-memory store. */
class EmbeddedLeadershipTest extends LeadershipContract {
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
