package dev.flotilla.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.flotilla.registry.DesiredState;

/** {@code /v1/kv}: sidekicks' keys over HTTP, stored as given; TTLs; prefixes; the cluster's own keys refused. */
class KvApiTest extends ApiTestBase {

    private static final AtomicLong SEQUENCE = new AtomicLong();

    /** This test's keys start here (the store is shared by the class's tests). */
    private String base;

    @Override
    ApiSettings settings() {
        return ApiSettings.on("127.0.0.1", 0).withPageSize(2);
    }

    @BeforeEach
    void base() {
        base = "/kv-api-test-" + SEQUENCE.incrementAndGet();
    }

    private static String body(String value, Long ttl) {
        return "{\"value\":" + Http.quote(value) + (ttl == null ? "" : ",\"ttl\":" + ttl) + "}";
    }

    @Test
    void aKeyPutOverHttpIsTheStoresKeyAsGiven() throws Exception {
        Http.Response created = http.put("/v1/kv" + base + "/services/web/web01/host", body("core01", null));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().get("key").asText()).isEqualTo(base + "/services/web/web01/host");
        assertThat(created.json().has("ttl")).isFalse();
        assertThat(store.get(base + "/services/web/web01/host").orElseThrow().valueAsString()).isEqualTo("core01");

        Http.Response rewritten = http.put("/v1/kv" + base + "/services/web/web01/host", body("core02", null));
        assertThat(rewritten.status()).isEqualTo(200);
        assertThat(rewritten.json().get("version").asLong()).isEqualTo(2);

        Http.Response read = http.get("/v1/kv" + base + "/services/web/web01/host");
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().get("value").asText()).isEqualTo("core02");
        assertThat(read.json().get("modRevision").asLong()).isEqualTo(rewritten.json().get("modRevision").asLong());

        Http.Response missing = http.get("/v1/kv" + base + "/services/web/web02/host");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.errorMessage()).isEqualTo("key " + base + "/services/web/web02/host does not exist");
    }

    @Test
    void aKeyWithATtlReportsWhatIsLeftAndVanishes() {
        Http.Response put = http.put("/v1/kv" + base + "/ttl", body("soon gone", 2L));
        assertThat(put.status()).isEqualTo(201);
        assertThat(put.json().get("ttl").asLong()).isBetween(1L, 2L);
        JsonNode read = http.get("/v1/kv" + base + "/ttl").json();
        assertThat(read.get("ttl").asLong()).isBetween(0L, 2L);

        await().atMost(Duration.ofSeconds(20)).until(() -> http.get("/v1/kv" + base + "/ttl").status() == 404);
    }

    @Test
    void aPrefixListsPageByPageAndDeletesInOneGo() {
        for (String k : List.of("/web/web03/port", "/web/web01/port", "/web/web02/port", "/webby")) {
            assertThat(http.put("/v1/kv" + base + k, body(k, null)).status()).isEqualTo(201);
        }
        List<String> keys = new ArrayList<>();
        String token = null;
        do {
            Http.Response page = http.get("/v1/kv?prefix=" + base + "/web/" + (token == null ? "" : "&nextPageToken=" + token));
            assertThat(page.status()).as(page.toString()).isEqualTo(200);
            page.json().get("kvs").forEach(kv -> keys.add(kv.get("key").asText()));
            token = page.json().has("nextPageToken") ? page.json().get("nextPageToken").asText() : null;
        } while (token != null);
        assertThat(keys).containsExactly(base + "/web/web01/port", base + "/web/web02/port", base + "/web/web03/port");

        Http.Response deleted = http.delete("/v1/kv?prefix=" + base + "/web/");
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().get("deleted").asLong()).isEqualTo(3);
        assertThat(http.delete("/v1/kv" + base + "/webby").status()).isEqualTo(204);
        assertThat(http.delete("/v1/kv" + base + "/webby").status()).isEqualTo(404);
        assertThat(http.get("/v1/kv?prefix=" + base).json().get("kvs")).isEmpty();
    }

    @Test
    void theClustersOwnKeysAreRefusedAndStayAsTheyWere() throws Exception {
        cluster.submit("db.service", "[Service]\nExecStart=/bin/true\n", DesiredState.LAUNCHED);
        String root = cluster.registry.root();
        var before = store.range(root).kvs();

        Http.Response put = http.put("/v1/kv" + root + "units/db.service", body("{}", null));
        assertThat(put.status()).isEqualTo(403);
        assertThat(put.errorMessage()).contains("one of the cluster's own keys");
        assertThat(http.get("/v1/kv" + root + "units/db.service").status()).isEqualTo(403);
        assertThat(http.delete("/v1/kv" + root + "units/db.service").status()).isEqualTo(403);
        assertThat(http.delete("/v1/kv?prefix=/").status()).isEqualTo(400);
        assertThat(http.delete("/v1/kv?prefix=" + root).status()).isEqualTo(403);
        assertThat(http.get("/v1/kv?prefix=" + root).status()).isEqualTo(403);
        assertThat(store.range(root).kvs()).isEqualTo(before);
    }

    @Test
    void badBodiesAndKeysAreRefusedNamingWhat() {
        Http.Response noJson = http.put("/v1/kv" + base + "/x", "v", "text/plain");
        assertThat(noJson.status()).isEqualTo(415);
        Http.Response noValue = http.put("/v1/kv" + base + "/x", "{\"ttl\":3}");
        assertThat(noValue.status()).isEqualTo(400);
        assertThat(noValue.errorMessage()).contains("value");
        Http.Response badTtl = http.put("/v1/kv" + base + "/x", body("v", -1L));
        assertThat(badTtl.status()).isEqualTo(400);
        assertThat(badTtl.errorMessage()).contains("ttl must be");
        Http.Response control = http.put("/v1/kv" + base + "/a%0Ab", body("v", null));
        assertThat(control.status()).isEqualTo(400);
        assertThat(control.errorMessage()).contains("control characters");
        Http.Response slash = http.put("/v1/kv" + base + "/dir/", body("v", null));
        assertThat(slash.status()).as("the web server drops a trailing /: refused, not written elsewhere").isEqualTo(400);
        assertThat(slash.errorMessage()).contains("?prefix=");
        assertThat(http.get("/v1/kv" + base + "/dir").status()).isEqualTo(404);
        Http.Response noPrefix = http.delete("/v1/kv");
        assertThat(noPrefix.status()).isEqualTo(400);
        assertThat(noPrefix.errorMessage()).contains("?prefix=");
    }
}
