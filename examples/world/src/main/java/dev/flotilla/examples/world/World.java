package dev.flotilla.examples.world;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar world.jar web|dbhelper|db ...}: the three tiers of the tutorial's world app in one jar,
 * so every unit runs the same artifact. Options name their defaults; errors are one line naming the option.
 */
@Command(name = "world", mixinStandardHelpOptions = true, version = "world (Flotilla example) 0.1.0", subcommands = {World.Web.class, World.DbHelperCommand.class,
        World.Db.class}, description = "The world app of the Flotilla tutorial: web, dbhelper and db.")
public final class World implements Runnable {

    /** Where the web tier and dbhelper find the database. */
    static final class DbOptions {
        @Option(names = "--db", paramLabel = "HOST:PORT", description = "The database's address (instead of the registry).")
        String db;

        @Option(names = "--db-from-registry", description = "Find the database in the Flotilla registry: "
                + "GET $FLOTILLA_ENDPOINT/v1/services/<service>?health=passing, first endpoint (the default when "
                + "FLOTILLA_ENDPOINT is set).")
        boolean fromRegistry;

        @Option(names = "--endpoint", paramLabel = "URL", description = "The agent API for --db-from-registry "
                + "(default: $FLOTILLA_ENDPOINT).")
        String endpoint;

        @Option(names = "--db-service", defaultValue = "db", description = "The registry service to look up (default: ${DEFAULT-VALUE}).")
        String service;

        DbLocator locator(Map<String, String> env) {
            String api = endpoint != null ? endpoint : env.get("FLOTILLA_ENDPOINT");
            if (db != null && (fromRegistry || endpoint != null)) {
                throw new IllegalArgumentException("--db and --db-from-registry/--endpoint exclude each other");
            }
            if (db != null) {
                return new DbLocator.Fixed(HostPort.parse(db, "--db"));
            }
            if (api == null || api.isBlank()) {
                throw new IllegalArgumentException("no database address: give --db HOST:PORT, or --endpoint URL "
                        + "(or set FLOTILLA_ENDPOINT) to find it in the registry");
            }
            return DbLocator.Registry.of(api, service, env);
        }
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "give a command: web, dbhelper or db");
    }

    /** {@code world web}. */
    @Command(name = "web", mixinStandardHelpOptions = true, description = "Serve /home, /health, /world and /db_host.")
    static final class Web implements Callable<Integer> {
        @Option(names = "--listen", paramLabel = "ADDR:PORT", description = "Where to listen (default: "
                + "$FLOTILLA_PUBLIC_IP:180NN for web@NN, else 127.0.0.1:8080).")
        String listen;

        @CommandLine.Mixin
        DbOptions db = new DbOptions();

        @Option(names = "--user", defaultValue = "world", description = "The database user (default: ${DEFAULT-VALUE}).")
        String user;

        @Option(names = "--password-file", paramLabel = "FILE", description = "The database user's password "
                + "(default: $WORLD_DB_PASSWORD).")
        Path passwordFile;

        @Override
        public Integer call() throws Exception {
            Map<String, String> env = System.getenv();
            HostPort address = HostPort.parse(listen != null ? listen : defaultListen(env), "--listen");
            String password = Secrets.password(passwordFile, "WORLD_DB_PASSWORD", env, "database password", "--password-file");
            DbPool pool = new DbPool(db.locator(env), user, password);
            WebServer server = new WebServer(address, pool, hostName(), env.get("FLOTILLA_UNIT"));
            System.out.println("web listening on " + address + ", database from " + pool.locator().describe());
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                pool.close();
                stopped.countDown();
            }));
            stopped.await();
            return 0;
        }

        /** {@code $FLOTILLA_PUBLIC_IP:180NN} for the unit web@NN, as the tutorial's units published it. */
        static String defaultListen(Map<String, String> env) {
            String unit = env.get("FLOTILLA_UNIT");
            String ip = Optional.ofNullable(env.get("FLOTILLA_PUBLIC_IP")).orElse("127.0.0.1");
            if (unit != null && unit.matches("web@\\d{2}\\.(service|container)")) {
                return ip + ":180" + unit.substring(4, 6);
            }
            return ip + ":8080";
        }
    }

    /** {@code world dbhelper}. */
    @Command(name = "dbhelper", mixinStandardHelpOptions = true, description = "Wait for the database, create "
            + "the world database and its user, load the data, count the cities.")
    static final class DbHelperCommand implements Callable<Integer> {
        @CommandLine.Mixin
        DbOptions db = new DbOptions();

        @Option(names = "--sql", paramLabel = "FILE", description = "A SQL dump to load (default: the built-in "
                + "small dataset).")
        Path sql;

        @Option(names = "--admin-user", defaultValue = "root", description = "The account that creates the "
                + "database and the user (default: ${DEFAULT-VALUE}).")
        String admin;

        @Option(names = "--admin-password-file", paramLabel = "FILE", description = "Its password (default: "
                + "$WORLD_DB_ROOT_PASSWORD).")
        Path adminPasswordFile;

        @Option(names = "--user", defaultValue = "world", description = "The application user to create "
                + "(default: ${DEFAULT-VALUE}).")
        String user;

        @Option(names = "--password-file", paramLabel = "FILE", description = "The application user's "
                + "password (default: $WORLD_DB_PASSWORD).")
        Path passwordFile;

        @Option(names = "--wait", defaultValue = "300", paramLabel = "SECONDS", description = "How long to wait "
                + "for the database (default: ${DEFAULT-VALUE}).")
        long waitSeconds;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Map<String, String> env = System.getenv();
            String adminPassword = Secrets.password(adminPasswordFile, "WORLD_DB_ROOT_PASSWORD", env,
                    "database root password", "--admin-password-file");
            String password = Secrets.password(passwordFile, "WORLD_DB_PASSWORD", env, "application user's password",
                    "--password-file");
            DbHelper.run(new DbHelper.Settings(db.locator(env), admin, adminPassword, user, password, sql,
                    Duration.ofSeconds(waitSeconds)), spec.commandLine().getOut());
            return 0;
        }
    }

    /** {@code world db}. */
    @Command(name = "db", mixinStandardHelpOptions = true, description = "Run a MariaDB server in the foreground "
            + "until SIGTERM, then shut it down cleanly.")
    static final class Db implements Callable<Integer> {
        @Option(names = "--listen", paramLabel = "ADDR:PORT", description = "Where the server listens (default: "
                + "$FLOTILLA_PUBLIC_IP:3306, else 127.0.0.1:3306).")
        String listen;

        @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "The data directory; "
                + "initialised when empty.")
        Path dataDir;

        @Option(names = "--root-password-file", paramLabel = "FILE", description = "root's password, set when "
                + "the data directory is initialised (default: $WORLD_DB_ROOT_PASSWORD).")
        Path rootPasswordFile;

        @Option(names = "--mariadb-home", paramLabel = "DIR", description = "A MariaDB installation to run "
                + "(default: mariadbd/mysqld on the PATH, else the binaries in this jar).")
        Path mariadbHome;

        @Option(names = "--cache-dir", paramLabel = "DIR", description = "Where the bundled binaries are unpacked "
                + "once (default: $XDG_CACHE_HOME/flotilla, else ~/.cache/flotilla).")
        Path cacheDir;

        @Option(names = "--start-timeout", defaultValue = "300", paramLabel = "SECONDS", description = "How long "
                + "the server may take to become ready (default: ${DEFAULT-VALUE}).")
        long startTimeout;

        @Override
        public Integer call() throws Exception {
            Map<String, String> env = System.getenv();
            HostPort address = HostPort.parse(listen != null ? listen
                    : Optional.ofNullable(env.get("FLOTILLA_PUBLIC_IP")).orElse("127.0.0.1") + ":3306", "--listen");
            String rootPassword = Secrets.password(rootPasswordFile, "WORLD_DB_ROOT_PASSWORD", env,
                    "database root password", "--root-password-file");
            MariaDbInstallation mariadb = MariaDbInstallation.find(mariadbHome, cacheDir != null ? cacheDir : defaultCache(env));
            MariaDbServer server = MariaDbServer.start(mariadb, address, dataDir, rootPassword, System.out,
                    Duration.ofSeconds(startTimeout));
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "mariadbd-stop"));
            System.out.println("db ready on " + address + " (" + server + ")");
            int status = server.awaitExit();
            System.out.println("mariadbd exited with status " + status);
            return status;
        }

        static Path defaultCache(Map<String, String> env) {
            String xdg = env.get("XDG_CACHE_HOME");
            if (xdg != null && !xdg.isBlank()) {
                return Path.of(xdg, "flotilla");
            }
            return Path.of(System.getProperty("user.home"), ".cache", "flotilla");
        }
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("unknown");
        }
    }

    /** Parses and runs; picocli prints usage errors, other failures are one line on stderr. */
    static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** The command line with its error handling, for main and for tests that capture its output. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new World());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("world " + commandLine.getCommandName() + ": " + message(e));
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        return cli;
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }
}
