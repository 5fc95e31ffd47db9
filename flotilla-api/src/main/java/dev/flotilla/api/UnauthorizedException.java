package dev.flotilla.api;

/**
 * The API answered 401: the request carried no token and the API needs one, or it carried another token than
 * the API's. The message names the endpoint, where the token came from, and the server's explanation.
 */
public final class UnauthorizedException extends ApiException {

    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    private final boolean tokenSent;

    /**
     * @param message names the endpoint and the token's source
     * @param tokenSent whether the refused request carried a token
     */
    public UnauthorizedException(String message, boolean tokenSent) {
        super(401, message);
        this.tokenSent = tokenSent;
    }

    /** Whether the refused request carried a token (then it was the wrong one). */
    public boolean tokenSent() {
        return tokenSent;
    }
}
