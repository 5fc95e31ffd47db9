package dev.flotilla.server;

import java.nio.ByteBuffer;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import dev.flotilla.api.ApiError;

/**
 * Jetty's own refusals, made before a request reaches the API (a malformed request line or header, a URL or
 * headers over Jetty's limits, broken percent-encoding, no Host), in fleet's error body instead of Jetty's
 * HTML page: {@code {"error":{"code":400,"message":"malformed request: ..."}}}. Never a stack trace.
 */
final class JsonErrorHandler extends ErrorHandler {

    /** Jetty writes a body only for GET, POST and HEAD by default; fleet's clients want it for every method. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        byte[] body = body(code, message);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(status, reason));
    }

    private static byte[] body(int code, String reason) {
        return Json.encode(ApiError.of(code, describe(code, reason)));
    }

    /** One line saying what was wrong with the request. */
    static String describe(int code, String reason) {
        String why = reason == null || reason.isBlank() ? HttpStatus.getMessage(code) : reason;
        why = why.replaceAll("[\\p{Cntrl}]+", " ").strip();
        if (why.length() > 200) {
            why = why.substring(0, 200) + "...";
        }
        return switch (code) {
            case 414 -> "the request's URL is too long (" + why + ")";
            case 431 -> "the request's headers are too large (" + why + ")";
            case 413 -> "the request body is too large (" + why + ")";
            case 505, 426 -> "only HTTP/1.0 and HTTP/1.1 are served (" + why + ")";
            case 400 -> "malformed request: " + why;
            case 404 -> "no such API resource (" + why + ")";
            default -> code >= 500 ? "the server failed to handle the request (" + why + ")" : why;
        };
    }
}
