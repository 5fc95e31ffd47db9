package dev.flotilla.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

import dev.flotilla.store.embedded.EmbeddedKvStore;

/**
 * An embedded in-memory store per test class; per test, a registry under a root of its own and an
 * {@link ApiServer} over it on a free loopback port, reached over real HTTP.
 */
abstract class ApiTestBase {

    static EmbeddedKvStore store;

    Cluster cluster;
    ApiServer server;
    Http http;

    @BeforeAll
    static void openStore() {
        store = EmbeddedKvStore.inMemory();
    }

    @AfterAll
    static void closeStore() {
        store.close();
    }

    /** The settings of this class's servers; pages of 100 unless a test class says otherwise. */
    ApiSettings settings() {
        return ApiSettings.on("127.0.0.1", 0);
    }

    /** The client of this class's servers: plain HTTP without a token unless a test class says otherwise. */
    Http client(ApiServer started) {
        return new Http(started.url());
    }

    @BeforeEach
    void startServer(TestInfo info) throws Exception {
        cluster = Cluster.on(store, info.getTestMethod().orElseThrow().getName());
        server = ApiServer.start(cluster.registry, settings());
        http = client(server);
    }

    @AfterEach
    void stopServer() throws Exception {
        http.close();
        server.close();
        cluster.close();
    }

    /** fleetctl's body for a new unit: options only, no desired state. */
    static String optionsBody(String section, String name, String value) {
        return "{\"options\":[{\"section\":" + Http.quote(section) + ",\"name\":" + Http.quote(name) + ",\"value\":"
                + Http.quote(value) + "}]}";
    }
}
