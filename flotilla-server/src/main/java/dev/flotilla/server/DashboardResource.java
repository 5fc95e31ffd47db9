package dev.flotilla.server;

import java.io.IOException;
import java.util.Optional;

import dev.flotilla.ui.DashboardAssets;
import io.javalin.http.Context;

/**
 * The dashboard's static files at {@code /ui} and {@code /ui/{file}} ({@link DashboardAssets}, docs/dashboard.md).
 * They hold no data, so they are served without the token: a browser cannot send one when it navigates. Every
 * figure the page shows comes from the API through {@code fetch()} with {@code Authorization: Bearer}, under the
 * API's usual rules. Each answer forbids sniffing, framing and anything not from this origin (a strict
 * Content-Security-Policy: no inline script or style, no other host). Stateless.
 */
final class DashboardResource {

    /** The path prefix of the dashboard. */
    static final String PATH = "/ui";

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'none'";

    /** Whether {@code path} is one of the dashboard's files, which need no token. */
    static boolean isDashboard(String path) {
        return path.equals(PATH) || path.equals(PATH + "/") || path.startsWith(PATH + "/") && path.indexOf('/', 4) < 0;
    }

    void index(Context ctx) throws IOException {
        serve(ctx, DashboardAssets.INDEX);
    }

    void file(Context ctx) throws IOException {
        serve(ctx, ctx.pathParam("file"));
    }

    private static void serve(Context ctx, String name) throws IOException {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-cache");
        Optional<DashboardAssets.Asset> asset = DashboardAssets.read(name);
        if (asset.isEmpty()) {
            throw ApiFailure.notFound("the dashboard has no file " + name + " (open " + PATH + ")");
        }
        ctx.status(200).contentType(asset.get().contentType()).result(asset.get().bytes());
    }
}
