package dev.flotilla.server;

import java.util.Optional;

import dev.flotilla.api.ApiToken;

/**
 * Forwarding between agents serving mutual TLS with the cluster's token: the receiving agent trusts the other
 * agent's certificate (the client CA, which signed it) and presents its own. Every forwarding case of
 * {@link ForwardingApiTest} again.
 */
class ForwardingOverTlsTest extends ForwardingApiTest {

    private static final Optional<ApiToken> TOKEN = Optional.of(ApiToken.of(ApiAuthTest.TOKEN, "test"));

    @Override
    ApiSettings settings() {
        return super.settings().withToken(TOKEN).withTls(Optional.of(Tls.server(true)));
    }

    @Override
    ApiSettings secondSettings() {
        return super.secondSettings().withToken(TOKEN).withTls(Optional.of(Tls.server(true)));
    }

    @Override
    Http client(ApiServer started) {
        return new Http(started.url(), TOKEN.orElseThrow().header(), Tls.client(true));
    }
}
