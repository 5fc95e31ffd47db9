package dev.flotilla.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.flotilla.api.ApiToken;
import dev.flotilla.registry.DesiredState;
import dev.flotilla.store.KeyValue;

/**
 * A server started with a token: every request without it (health, unknown paths and oversized bodies
 * included) is 401 with {@code WWW-Authenticate: Bearer} and fleet's error body, and changes nothing; with it,
 * the API answers as usual. An API off loopback cannot start without a token.
 */
class ApiAuthTest extends ApiTestBase {

    static final String TOKEN = "5f2b8c0e9d1a4f7b3c6e8a0d2f4b6c8e";

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Override
    ApiSettings settings() {
        return ApiSettings.on("127.0.0.1", 0).withToken(Optional.of(ApiToken.of(TOKEN, "test")));
    }

    private record Answer(int status, String challenge, Http.Response response) {
    }

    private Answer send(String method, String path, String authorization, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.headers().firstValue("WWW-Authenticate").orElse(null),
                new Http.Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body()));
    }

    private List<KeyValue> everythingStored() throws Exception {
        return cluster.store.range(cluster.registry.root()).kvs();
    }

    @Test
    void everyEndpointWithoutTheTokenIs401AndChangesNothing() throws Exception {
        cluster.submit("db.service", "[Service]\nExecStart=/bin/sleep 1000\n", DesiredState.INACTIVE);
        List<KeyValue> before = everythingStored();
        String unit = "{\"desiredState\":\"launched\",\"options\":[{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/true\"}]}";
        List<String[]> requests = List.of(new String[] {"GET", "/fleet/v1/units"}, new String[] {"GET", "/fleet/v1/units/db.service"},
                new String[] {"PUT", "/fleet/v1/units/db.service", unit}, new String[] {"PUT", "/fleet/v1/units/new.service", unit},
                new String[] {"DELETE", "/fleet/v1/units/db.service"}, new String[] {"GET", "/fleet/v1/state"},
                new String[] {"GET", "/fleet/v1/state/db.service"}, new String[] {"GET", "/fleet/v1/machines"},
                new String[] {"PATCH", "/fleet/v1/machines", "[]"}, new String[] {"GET", "/v1/health"},
                new String[] {"GET", "/v1/units/db.service/placement"}, new String[] {"GET", "/v1/units/db.service/status"},
                new String[] {"GET", "/v1/units/db.service/journal?lines=5"}, new String[] {"GET", "/no/such/path"},
                new String[] {"POST", "/fleet/v1/units"}, new String[] {"PUT", "/fleet/v1/units/big.service", "x".repeat(5 << 20)},
                new String[] {"GET", "/v1/events"}, new String[] {"GET", "/v1/events?follow=false&last=10"},
                new String[] {"GET", "/metrics"},
                new String[] {"GET", "/v1/services"}, new String[] {"GET", "/v1/services/web"},
                new String[] {"GET", "/v1/services/web/watch"},
                new String[] {"GET", "/v1/kv/services/web/web01"}, new String[] {"GET", "/v1/kv?prefix=/"},
                new String[] {"PUT", "/v1/kv/services/web/web01", "{\"value\":\"x\"}"},
                new String[] {"DELETE", "/v1/kv/services/web/web01"}, new String[] {"DELETE", "/v1/kv?prefix=/services/"});
        for (String[] r : requests) {
            Answer a = send(r[0], r[1], null, r.length > 2 ? r[2] : null);
            assertThat(a.status()).as("%s %s: %s", r[0], r[1], a.response()).isEqualTo(401);
            assertThat(a.challenge()).as("%s %s", r[0], r[1]).isEqualTo("Bearer realm=\"flotilla\"");
            assertThat(a.response().contentType()).startsWith("application/json");
            assertThat(a.response().errorMessage()).as("%s %s", r[0], r[1]).isEqualTo("this API needs a token: send the "
                    + "header 'Authorization: Bearer TOKEN' (flotilla: set FLOTILLA_TOKEN or pass --token-file FILE; "
                    + "see docs/security.md)");
        }
        assertThat(everythingStored()).isEqualTo(before);
    }

    @Test
    void aWrongTokenOrAnotherSchemeIs401AndChangesNothing() throws Exception {
        List<KeyValue> before = everythingStored();
        String unit = "{\"options\":[{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/true\"}]}";
        for (String wrong : new String[] {"Bearer " + TOKEN.substring(1), "Bearer " + TOKEN + "x", "Bearer", "Bearer  ",
                "bearer " + TOKEN.toUpperCase()}) {
            Answer a = send("PUT", "/fleet/v1/units/a.service", wrong, unit);
            assertThat(a.status()).as(wrong).isEqualTo(401);
        }
        Answer wrong = send("GET", "/fleet/v1/units", "Bearer " + "0".repeat(32), null);
        assertThat(wrong.challenge()).isEqualTo("Bearer realm=\"flotilla\", error=\"invalid_token\"");
        assertThat(wrong.response().errorMessage())
                .isEqualTo("the token is not valid for this API: use the token its agents were started with");
        Answer basic = send("GET", "/fleet/v1/units", "Basic dXNlcjpwYXNz", null);
        assertThat(basic.status()).isEqualTo(401);
        assertThat(basic.challenge()).isEqualTo("Bearer realm=\"flotilla\", error=\"invalid_request\"");
        assertThat(basic.response().errorMessage()).isEqualTo("the Authorization header must be 'Bearer TOKEN'");
        assertThat(everythingStored()).isEqualTo(before);
    }

    @Test
    void withTheTokenTheApiAnswersAsUsualOnLoopbackToo() throws Exception {
        String unit = "{\"options\":[{\"section\":\"Service\",\"name\":\"ExecStart\",\"value\":\"/bin/true\"}]}";
        assertThat(send("PUT", "/fleet/v1/units/a.service", "Bearer " + TOKEN, unit).status()).isEqualTo(201);
        assertThat(send("GET", "/fleet/v1/units/a.service", "bearer " + TOKEN, null).status()).isEqualTo(200);
        assertThat(send("GET", "/v1/health", "Bearer " + TOKEN, null).status()).isEqualTo(200);
        assertThat(send("GET", "/metrics", "Bearer " + TOKEN, null).status()).isEqualTo(200);
        try (SseClient events = SseClient.open(server.url(), "/v1/events",
                java.util.Map.of("Authorization", "Bearer " + TOKEN))) {
            assertThat(events.status()).isEqualTo(200);
        }
        Answer missing = send("GET", "/no/such/path", "Bearer " + TOKEN, null);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.challenge()).isNull();
    }

    @Test
    void anApiOffLoopbackNeedsAToken() {
        assertThatThrownBy(() -> ApiServer.start(cluster.registry, ApiSettings.on("0.0.0.0", 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the API on 0.0.0.0 would be reachable from other machines without a token: give it a "
                        + "token, or serve it on a loopback address such as 127.0.0.1 (docs/security.md)");
    }

    @Test
    void anApiOffLoopbackWithATokenServesAndDemandsIt() throws Exception {
        try (ApiServer open = ApiServer.start(cluster.registry, ApiSettings.on("0.0.0.0", 0)
                .withToken(Optional.of(ApiToken.of(TOKEN, "test"))))) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + open.port()
                    + "/fleet/v1/machines")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(401);
        }
    }

    @Test
    void loopbackIsEveryLoopbackAddressAndNothingElse() throws IOException {
        assertThat(ApiSettings.isLoopback("127.0.0.1")).isTrue();
        assertThat(ApiSettings.isLoopback("127.0.0.5")).isTrue();
        assertThat(ApiSettings.isLoopback("::1")).isTrue();
        assertThat(ApiSettings.isLoopback("localhost")).isTrue();
        assertThat(ApiSettings.isLoopback("0.0.0.0")).isFalse();
        assertThat(ApiSettings.isLoopback("::")).isFalse();
        assertThat(ApiSettings.isLoopback("10.0.0.5")).isFalse();
    }
}
