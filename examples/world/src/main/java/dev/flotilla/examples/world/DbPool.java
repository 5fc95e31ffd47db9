package dev.flotilla.examples.world;

import java.sql.Connection;
import java.sql.SQLException;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The web tier's connections to the world database: a small HikariCP pool for the address the
 * {@link DbLocator} found, replaced by a pool for the new address when a connection fails and the locator
 * now names another one (the db unit moved to another machine).
 *
 * <p>Why a pool rather than a connection per request: behind the load balancer every page and every
 * health check needs the database, and a new MariaDB connection costs a TCP handshake plus an
 * authentication round trip (milliseconds under load) while a pooled one costs a validity check; the
 * pool is small (4) because ten web instances share one database. Short timeouts (1.5 s to get a
 * connection) keep {@code /health} under the agent's default 2 s check timeout when the database is down.
 * Thread-safe.
 */
final class DbPool implements AutoCloseable {

    static final String DATABASE = "world";

    private final DbLocator locator;
    private final String user;
    private final String password;
    private Current current; // guarded by this

    /** The pool for one address. */
    private record Current(HostPort address, HikariDataSource dataSource) {}

    DbPool(DbLocator locator, String user, String password) {
        this.locator = locator;
        this.user = user;
        this.password = password;
    }

    /**
     * A connection to the {@code world} database; the caller closes it.
     *
     * @throws SQLException with a one-line reason when the database cannot be found or reached
     */
    Connection connection() throws SQLException {
        Current pool = current();
        try {
            return pool.dataSource().getConnection();
        } catch (SQLException failed) {
            HostPort now;
            try {
                now = locator.locate();
            } catch (IllegalStateException e) {
                throw new SQLException(reason(failed) + "; and looking again: " + e.getMessage(), failed);
            }
            if (now.equals(pool.address())) {
                throw failed;
            }
            return replace(pool, now).dataSource().getConnection();
        }
    }

    /** The address in use, or null before the first successful lookup. */
    synchronized HostPort address() {
        return current == null ? null : current.address();
    }

    DbLocator locator() {
        return locator;
    }

    private synchronized Current current() throws SQLException {
        if (current == null) {
            try {
                current = open(locator.locate());
            } catch (IllegalStateException e) {
                throw new SQLException(e.getMessage(), e);
            }
        }
        return current;
    }

    private synchronized Current replace(Current old, HostPort address) {
        if (current == old) {
            old.dataSource().close();
            current = open(address);
        }
        return current;
    }

    private Current open(HostPort address) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("world-db-" + address);
        config.setJdbcUrl(jdbcUrl(address, DATABASE));
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(1_500);
        config.setValidationTimeout(1_000);
        config.setInitializationFailTimeout(-1); // a database that is not up yet is not an error
        config.setReadOnly(true);
        return new Current(address, new HikariDataSource(config));
    }

    /** The JDBC URL for {@code database} at {@code address}, with timeouts that fail fast. */
    static String jdbcUrl(HostPort address, String database) {
        return "jdbc:mariadb://" + address + "/" + database + "?connectTimeout=2000&socketTimeout=30000";
    }

    /** The most telling message of {@code e}: its cause's when it wraps one (HikariCP's timeouts do). */
    static String reason(SQLException e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.toString() : t.getMessage();
        // "(conn=123) Access denied...": the connection number changes on every try and says nothing to a reader.
        return message.lines().findFirst().orElse(message).replaceFirst("^\\(conn=\\d+\\)\\s*", "");
    }

    @Override
    public synchronized void close() {
        if (current != null) {
            current.dataSource().close();
            current = null;
        }
    }
}
