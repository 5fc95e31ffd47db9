package dev.flotilla.examples.world;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The world app's web tier, the tutorial's PHP pages in Java: {@code /home}, {@code /health},
 * {@code /world} and {@code /db_host}. The JDK's HTTP server on virtual threads: four pages need no
 * framework, and the jar stays small.
 *
 * <p>{@code /health} answers exactly {@code PASS\n} (200) when the database is reachable and the world
 * tables exist, so a load balancer or a Flotilla check can compare the body's SHA-1 with
 * {@link #HEALTH_PASS_SHA1}; anything else is 503 {@code FAIL: <reason>}. Thread-safe; close stops it.
 */
final class WebServer implements AutoCloseable {

    /** The response header naming the instance that answered: its unit ({@code web@01.service}), else the host. */
    static final String INSTANCE_HEADER = "X-World-Instance";

    /** The body of a passing {@code /health}. */
    static final String HEALTH_PASS = "PASS\n";
    /** SHA-1 of {@link #HEALTH_PASS}, for {@code CheckExpectBodySHA1=} and {@code --check-sha1}. */
    static final String HEALTH_PASS_SHA1 = "27d2303f215d7d1a8f12f0b80b9b56a2cdf6c9a7";
    static final int PAGE_SIZE = 20;

    private static final Pattern COUNTRY = Pattern.compile("[A-Za-z]{3}");
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final HttpServer server;
    private final ExecutorService executor;
    private final DbPool db;
    private final String hostName;
    private final String unitName;

    /**
     * Starts serving on {@code listen}.
     *
     * @param unitName the Flotilla unit ({@code $FLOTILLA_UNIT}) or null outside Flotilla
     * @throws IOException when the address cannot be bound
     */
    WebServer(HostPort listen, DbPool db, String hostName, String unitName) throws IOException {
        this.db = db;
        this.hostName = hostName;
        this.unitName = unitName;
        this.server = HttpServer.create(new InetSocketAddress(listen.host(), listen.port()), 128);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The port actually bound. */
    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            // Which instance answered, on every page: behind a load balancer, /world's cities do not say.
            exchange.getResponseHeaders().set(INSTANCE_HEADER, unitName != null ? unitName : hostName);
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                send(exchange, 405, "text/plain", "only GET\n");
                return;
            }
            String path = exchange.getRequestURI().getPath();
            switch (path) {
                case "/", "/home", "/home.php" -> send(exchange, 200, "text/html", home());
                case "/health", "/health.php" -> health(exchange);
                case "/world", "/world.php" -> world(exchange);
                case "/db_host", "/db_host.php" -> dbHost(exchange);
                default -> send(exchange, 404, "text/plain", "no page " + path
                        + "; try /home, /health, /world?country=NLD&page=1, /db_host\n");
            }
        } catch (RuntimeException e) {
            send(exchange, 500, "text/plain", "error: " + e + "\n");
        }
    }

    private String home() {
        return page("<strong>There is no place like 127.0.0.1</strong><br/>Date &amp; Time: "
                + LocalDateTime.now().format(WHEN) + "<br/>Host name: " + html(hostName)
                + (unitName == null ? "" : "<br/>Unit: " + html(unitName)) + "<hr/>");
    }

    private void health(HttpExchange exchange) throws IOException {
        String failure;
        try (Connection c = db.connection();
                PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM information_schema.tables "
                        + "WHERE table_schema = ? AND table_name IN ('City', 'Country', 'CountryLanguage')")) {
            s.setString(1, DbPool.DATABASE);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                int tables = r.getInt(1);
                failure = tables == 3 ? null
                        : "the world schema is incomplete: " + tables + " of the tables City, Country, CountryLanguage";
            }
        } catch (SQLException e) {
            failure = "database " + where() + ": " + DbPool.reason(e);
        }
        if (failure == null) {
            send(exchange, 200, "text/plain", HEALTH_PASS);
        } else {
            send(exchange, 503, "text/plain", "FAIL: " + failure + "\n");
        }
    }

    private void world(HttpExchange exchange) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI());
        String country = query.getOrDefault("country", "NLD");
        if (!COUNTRY.matcher(country).matches()) {
            send(exchange, 400, "text/plain", "country=" + country + ": expected a three-letter code such as NLD\n");
            return;
        }
        country = country.toUpperCase(Locale.ROOT);
        int page;
        try {
            page = Integer.parseInt(query.getOrDefault("page", "1"));
        } catch (NumberFormatException e) {
            page = 0;
        }
        if (page < 1) {
            send(exchange, 400, "text/plain", "page=" + query.get("page") + ": expected a page number from 1\n");
            return;
        }
        StringBuilder body = new StringBuilder();
        try (Connection c = db.connection()) {
            String name;
            int total;
            try (PreparedStatement s = c.prepareStatement("SELECT Country.Name, COUNT(City.ID) FROM Country "
                    + "LEFT JOIN City ON City.CountryCode = Country.Code WHERE Country.Code = ? GROUP BY Country.Name")) {
                s.setString(1, country);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        send(exchange, 404, "text/html", page("<p>No country with code " + html(country) + ".</p>"));
                        return;
                    }
                    name = r.getString(1);
                    total = r.getInt(2);
                }
            }
            int pages = Math.max(1, (total + PAGE_SIZE - 1) / PAGE_SIZE);
            body.append("<h1>Cities of ").append(html(name)).append(" (").append(country).append(")</h1>\n<p>Page ")
                    .append(page).append(" of ").append(pages).append(", ").append(total).append(" cities.</p>\n")
                    .append("<table>\n<tr><th>ID</th><th>Name</th><th>District</th><th>Population</th></tr>\n");
            try (PreparedStatement s = c.prepareStatement("SELECT ID, Name, District, Population FROM City "
                    + "WHERE CountryCode = ? ORDER BY Population DESC, ID LIMIT ? OFFSET ?")) {
                s.setString(1, country);
                s.setInt(2, PAGE_SIZE);
                s.setInt(3, (page - 1) * PAGE_SIZE);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        body.append("<tr><td>").append(r.getInt(1)).append("</td><td>").append(html(r.getString(2)))
                                .append("</td><td>").append(html(r.getString(3))).append("</td><td>")
                                .append(r.getInt(4)).append("</td></tr>\n");
                    }
                }
            }
            body.append("</table>\n");
            if (page > 1) {
                body.append("<a href=\"/world?country=").append(country).append("&amp;page=").append(page - 1)
                        .append("\">previous</a> ");
            }
            if (page < pages) {
                body.append("<a href=\"/world?country=").append(country).append("&amp;page=").append(page + 1)
                        .append("\">next</a>");
            }
            body.append("<hr/>Served by ").append(html(unitName == null ? hostName : unitName)).append(" from database ")
                    .append(html(where())).append('\n');
        } catch (SQLException e) {
            send(exchange, 503, "text/plain", "database " + where() + ": " + DbPool.reason(e) + "\n");
            return;
        }
        send(exchange, 200, "text/html", page(body.toString()));
    }

    private void dbHost(HttpExchange exchange) throws IOException {
        HostPort address = db.address();
        if (address == null) {
            try (Connection ignored = db.connection()) {
                address = db.address();
            } catch (SQLException e) {
                address = db.address();
                if (address == null) {
                    send(exchange, 503, "text/plain", "no database found (" + db.locator().describe() + "): "
                            + DbPool.reason(e) + "\n");
                    return;
                }
            }
        }
        send(exchange, 200, "text/plain", "db " + address + " (from " + db.locator().describe() + ")\n");
    }

    private String where() {
        HostPort address = db.address();
        return address == null ? "(not found yet)" : address.toString();
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> out = new HashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(key, value);
        }
        return out;
    }

    private static String page(String body) {
        return "<!DOCTYPE html>\n<html>\n<body>\n\n" + body + "\n\n</body>\n</html>\n";
    }

    static String html(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }
}
