package dev.flotilla.server;

import java.net.http.HttpClient;
import java.util.Optional;

import dev.flotilla.api.ApiToken;

/**
 * Forwarding between agents started with the cluster's token: the receiving agent sends its token to the
 * machine running the unit, which demands it like any client. Every forwarding case of
 * {@link ForwardingApiTest} again.
 */
class ForwardingWithTokenTest extends ForwardingApiTest {

    private static final Optional<ApiToken> TOKEN = Optional.of(ApiToken.of(ApiAuthTest.TOKEN, "test"));

    @Override
    ApiSettings settings() {
        return super.settings().withToken(TOKEN);
    }

    @Override
    ApiSettings secondSettings() {
        return super.secondSettings().withToken(TOKEN);
    }

    @Override
    Http client(ApiServer started) {
        return new Http(started.url(), TOKEN.orElseThrow().header(),
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
    }
}
