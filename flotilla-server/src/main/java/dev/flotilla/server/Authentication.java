package dev.flotilla.server;

import dev.flotilla.api.ApiToken;
import io.javalin.http.Context;

/**
 * The token check every request passes before anything else happens (docs/security.md): without the
 * configured token a request is answered 401 with {@code WWW-Authenticate: Bearer} and fleet's error body,
 * and nothing is read or changed. The health endpoint is no exception. Thread-safe.
 */
final class Authentication {

    static final String REALM = "Bearer realm=\"flotilla\"";

    private final ApiToken token;

    Authentication(ApiToken token) {
        this.token = token;
    }

    /**
     * Lets the request through when it carries the token.
     *
     * @throws ApiFailure 401 when the Authorization header is missing, not a bearer token, or another token
     */
    void check(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw unauthorized(ctx, REALM, "this API needs a token: send the header 'Authorization: Bearer TOKEN' "
                    + "(flotilla: set FLOTILLA_TOKEN or pass --token-file FILE; see docs/security.md)");
        }
        int space = header.indexOf(' ');
        if (space < 0 || !header.substring(0, space).equalsIgnoreCase("Bearer")) {
            throw unauthorized(ctx, REALM + ", error=\"invalid_request\"",
                    "the Authorization header must be 'Bearer TOKEN'");
        }
        if (!token.matches(header.substring(space + 1).strip())) {
            throw unauthorized(ctx, REALM + ", error=\"invalid_token\"",
                    "the token is not valid for this API: use the token its agents were started with");
        }
    }

    private static ApiFailure unauthorized(Context ctx, String challenge, String message) {
        ctx.header("WWW-Authenticate", challenge);
        return new ApiFailure(401, message);
    }
}
