package dev.flotilla.server;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.flotilla.api.ApiError;
import io.javalin.http.Context;

/** Reading request bodies and writing responses as JSON, the way fleet's server did. Thread-safe. */
final class Json {

    /** fleet's Go decoder ignored fields it did not know; so does this one. */
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private Json() {
    }

    /** Answers {@code status} with {@code body} as JSON. */
    static void respond(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + body.getClass().getSimpleName(), e);
        }
    }

    /** Answers fleet's error body. */
    static void error(Context ctx, int status, String message) {
        respond(ctx, status, ApiError.of(status, message));
    }

    /**
     * The request body, refused with 413 when it is longer than {@code maxBytes}: a Content-Length is
     * checked before anything is read, a chunked body while it is read (it is never buffered whole).
     */
    static byte[] body(Context ctx, int maxBytes) {
        long declared = ctx.contentLength();
        if (declared > maxBytes) {
            throw tooLarge(declared, maxBytes);
        }
        try (java.io.InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw tooLarge(-1, maxBytes);
            }
            return bytes;
        } catch (IOException e) {
            throw ApiFailure.badRequest("unable to read the request body: " + e.getMessage());
        }
    }

    static ApiFailure tooLarge(long bytes, int maxBytes) {
        return new ApiFailure(413, "the request body is " + (bytes >= 0 ? bytes + " bytes" : "longer than that")
                + "; at most " + maxBytes + " bytes are accepted");
    }

    /**
     * Reads the request body as {@code type}.
     *
     * @throws ApiFailure 400 when the body is not JSON of that shape
     */
    static <T> T read(byte[] body, Class<T> type) {
        try {
            T value = MAPPER.readValue(body, type);
            if (value == null) {
                throw ApiFailure.badRequest("unable to decode body: it is empty or null");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw ApiFailure.badRequest("unable to decode body: " + e.getOriginalMessage());
        } catch (IOException | IllegalArgumentException e) {
            throw ApiFailure.badRequest("unable to decode body: " + e.getMessage());
        }
    }
}
