package dev.flotilla.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.InstantSource;

import org.junit.jupiter.api.Test;

import dev.flotilla.registry.Registry;
import dev.flotilla.store.embedded.EmbeddedKvStore;

/** When the store fails, the API says so with 503 in fleet's error shape, and keeps serving. */
class StoreFailureTest {

    @Test
    void aClosedStoreIs503ForReadsWritesAndHealth() throws Exception {
        EmbeddedKvStore store = EmbeddedKvStore.inMemory();
        Registry registry = Registry.create(store, "/store-failure/", InstantSource.system());
        try (ApiServer server = ApiServer.start(registry, ApiSettings.on("127.0.0.1", 0)); Http http = new Http(server.url())) {
            assertThat(http.get("/v1/health").status()).isEqualTo(200);
            store.close();

            for (Http.Response r : new Http.Response[] {http.get("/fleet/v1/units"), http.get("/v1/health"),
                    http.put("/fleet/v1/units/a.service", ApiTestBase.optionsBody("Service", "ExecStart", "/bin/true"))}) {
                assertThat(r.status()).as(r.toString()).isEqualTo(503);
                assertThat(r.errorMessage()).startsWith("the cluster store is unavailable");
            }
        }
    }
}
