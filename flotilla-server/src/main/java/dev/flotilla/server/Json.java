package dev.flotilla.server;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
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

    /** {@code value} as JSON bytes. */
    static byte[] encode(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
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
            throw ApiFailure.badRequest("unable to decode body: " + describe(e));
        } catch (IOException | IllegalArgumentException e) {
            throw ApiFailure.badRequest("unable to decode body: " + withoutJavaNames(String.valueOf(e.getMessage())));
        }
    }

    /**
     * What is wrong with a body, for the client: where in the document and what was expected, without the Java
     * types it was to be read into.
     */
    static String describe(JsonProcessingException e) {
        if (e instanceof StreamConstraintsException) {
            return "it is nested too deeply or has a value that is too long (" + withoutJavaNames(e.getOriginalMessage()) + ")";
        }
        if (e instanceof JsonMappingException m) {
            String where = path(m.getPath());
            String subject = where.isEmpty() ? "the body" : "field " + where;
            if (m instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
                return subject + " must be " + expected(mismatch.getTargetType());
            }
            return subject + " has a value of the wrong type or shape";
        }
        JsonLocation at = e.getLocation();
        return "not valid JSON" + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()) + ": "
                + withoutJavaNames(e.getOriginalMessage());
    }

    /** {@code options[0].section} for a path of field names and indexes. */
    private static String path(java.util.List<JsonMappingException.Reference> references) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : references) {
            if (r.getFieldName() != null) {
                b.append(b.isEmpty() ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    private static String expected(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        return "an object";
    }

    /** {@code message} with Java type names shortened to their simple names ({@code java.util.List} to {@code List}). */
    static String withoutJavaNames(String message) {
        return message.replaceAll("\\b(?:[a-z][a-z0-9_]*\\.)+([A-Z][A-Za-z0-9_$]*)", "$1").replaceAll("[\\r\\n]+", " ");
    }
}
