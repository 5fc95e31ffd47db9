package dev.flotilla.ui;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the dashboard's static files live on the classpath, and what type each is. The files hold no data (every
 * figure is fetched from the API by the page, with the API's token), so an API server may serve them without a
 * token (docs/dashboard.md). Only flat names of known types are served: no directories, no {@code ..}. Stateless.
 */
public final class DashboardAssets {

    /** The classpath folder holding the files. */
    public static final String ROOT = "dev/flotilla/ui/assets/";

    /** The page a bare {@code /ui} serves. */
    public static final String INDEX = "index.html";

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*\\.(html|css|js|svg|png)");

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png");

    /** One file: its bytes and its {@code Content-Type}. */
    public record Asset(String name, String contentType, byte[] bytes) {
    }

    private DashboardAssets() {
    }

    /**
     * The file named {@code name} ({@code app.js}), or empty when there is none or the name is not a flat file name
     * of a served type.
     *
     * @throws IOException when the classpath cannot be read
     */
    public static Optional<Asset> read(String name) throws IOException {
        if (name == null || !NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        try (InputStream in = DashboardAssets.class.getClassLoader().getResourceAsStream(ROOT + name)) {
            if (in == null) {
                return Optional.empty();
            }
            String extension = name.substring(name.lastIndexOf('.') + 1);
            return Optional.of(new Asset(name, TYPES.get(extension), in.readAllBytes()));
        }
    }
}
