package dev.flotilla.examples.world;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * The tutorial's dbhelper, in Java: waits for the database, creates the {@code world} database, loads the
 * data (the app's own small dataset, or any SQL dump), creates the application user with read access to
 * {@code world}, and ends with the tutorial's two lines, {@code Counting rows in world.city} and the count.
 *
 * <p>Loading goes over JDBC with {@link SqlScript} doing what the {@code mariadb} client would (statement
 * splitting, {@code USE} lines without a delimiter, the dump's declared charset), so dbhelper needs no
 * client binary on its machine. The data goes in one transaction per run of statements between DDL, not
 * one commit per {@code INSERT}: 5,000 fsyncs would dominate the load time.
 */
final class DbHelper {

    /** The app's own dataset, a small subset of the world dump. */
    static final String DEFAULT_DATASET = "world-small.sql";

    private static final Pattern USER = Pattern.compile("[A-Za-z0-9_]{1,32}");

    /**
     * What to do.
     *
     * @param admin the account that may create databases and users (root)
     * @param sql the dump to load, or null for {@link #DEFAULT_DATASET}
     * @param waitFor how long to wait for the database
     */
    record Settings(DbLocator locator, String admin, String adminPassword, String appUser, String appPassword,
            Path sql, Duration waitFor) {
        Settings {
            if (!USER.matcher(appUser).matches()) {
                throw new IllegalArgumentException("--user " + appUser + ": expected 1-32 of A-Z a-z 0-9 _");
            }
        }
    }

    private DbHelper() {}

    /**
     * Runs dbhelper, printing its progress and the row count to {@code out}.
     *
     * @return the number of rows in {@code world.City}
     * @throws IllegalStateException when the database does not come up in time
     * @throws SQLException when a statement fails (the message names the statement's position)
     * @throws IOException when the dump cannot be read
     */
    static long run(Settings settings, PrintWriter out) throws SQLException, IOException, InterruptedException {
        SqlScript script = settings.sql() == null ? defaultDataset() : SqlScript.read(settings.sql());
        String source = settings.sql() == null ? "the built-in dataset " + DEFAULT_DATASET : settings.sql().toString();
        try (Connection c = waitForDatabase(settings, out)) {
            out.println("Creating the world database");
            try (Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE IF NOT EXISTS `" + DbPool.DATABASE + "`");
                s.execute("USE `" + DbPool.DATABASE + "`");
            }
            Instant start = Instant.now();
            load(c, script, source);
            out.println("Loaded " + script.statements().size() + " statements from " + source + " ("
                    + script.charset().name() + (script.skipped() == 0 ? "" : ", " + script.skipped()
                    + " character-set switches left to the driver") + ") in "
                    + Duration.between(start, Instant.now()).toMillis() + " ms");
            out.println("Creating application user");
            createUser(c, settings.appUser(), settings.appPassword());
            out.println("Counting rows in world.city");
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM `world`.`City`")) {
                r.next();
                long count = r.getLong(1);
                out.println(count);
                return count;
            }
        }
    }

    static SqlScript defaultDataset() throws IOException {
        try (InputStream in = DbHelper.class.getResourceAsStream("/" + DEFAULT_DATASET)) {
            if (in == null) {
                throw new IOException(DEFAULT_DATASET + " is missing from the jar");
            }
            return SqlScript.parse(in.readAllBytes(), DEFAULT_DATASET);
        }
    }

    private static Connection waitForDatabase(Settings settings, PrintWriter out) throws InterruptedException {
        Instant deadline = Instant.now().plus(settings.waitFor());
        String last = null;
        while (true) {
            String reason;
            try {
                HostPort address = settings.locator().locate();
                try {
                    Connection c = DriverManager.getConnection(DbPool.jdbcUrl(address, ""), settings.admin(),
                            settings.adminPassword());
                    out.println("Database found at " + address + " (" + settings.locator().describe() + ")");
                    return c;
                } catch (SQLException e) {
                    if (!waitable(e)) {
                        throw new IllegalStateException("the database at " + address + " refuses " + settings.admin()
                                + ": " + DbPool.reason(e));
                    }
                    reason = address + ": " + DbPool.reason(e);
                }
            } catch (IllegalStateException e) {
                reason = e.getMessage();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the database did not come up within " + settings.waitFor().toSeconds()
                        + " s: " + reason);
            }
            if (!reason.equals(last)) {
                out.println("Waiting for the database: " + reason);
                last = reason;
            }
            Thread.sleep(500);
        }
    }

    /**
     * Whether {@code e} means "not up yet" (connection refused, reset, timed out; SQLSTATE class 08, or no SQLSTATE
     * when the socket failed), not a lasting refusal such as a wrong password (28000), which waiting cannot fix.
     */
    static boolean waitable(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08");
    }

    /** Runs the script's statements in order; data statements are committed together, DDL commits itself. */
    private static void load(Connection c, SqlScript script, String source) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            int n = 0;
            for (String statement : script.statements()) {
                n++;
                try {
                    s.execute(statement);
                } catch (SQLException e) {
                    c.rollback();
                    String shown = statement.length() > 120 ? statement.substring(0, 120) + "..." : statement;
                    throw new SQLException(source + ": statement " + n + " failed: " + e.getMessage() + ": " + shown, e);
                }
            }
            c.commit();
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static void createUser(Connection c, String user, String password) throws SQLException {
        try (PreparedStatement create = c.prepareStatement("CREATE USER IF NOT EXISTS '" + user + "'@'%' IDENTIFIED BY ?");
                PreparedStatement alter = c.prepareStatement("ALTER USER '" + user + "'@'%' IDENTIFIED BY ?");
                Statement grant = c.createStatement()) {
            create.setString(1, password);
            create.execute();
            alter.setString(1, password); // a re-run with a new password takes it
            alter.execute();
            grant.execute("GRANT SELECT ON `" + DbPool.DATABASE + "`.* TO '" + user + "'@'%'");
        }
    }
}
