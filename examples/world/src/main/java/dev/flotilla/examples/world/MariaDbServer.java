package dev.flotilla.examples.world;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One MariaDB server process for the {@code db} command: initialises the data directory on first use
 * (root gets the given password, locally and from any host), runs {@code mariadbd} as a child whose log
 * goes to ours, and stops it the way its docs ask: SIGTERM, then wait for the clean shutdown (InnoDB flushed,
 * no recovery at the next start). SIGKILL only if it is still running after {@link #STOP_TIMEOUT}.
 *
 * <p>The root password reaches the server through an {@code --init-file} that only the first start reads;
 * the file is mode 0600 in the data directory and deleted once the server is ready. Thread-safe.
 */
final class MariaDbServer implements AutoCloseable {

    static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final String READY = "ready for connections";
    private static final String INIT_FILE = "flotilla-init.sql";

    private final Process process;
    private final Thread logPump;
    private final HostPort listen;
    private final Path dataDir;

    private MariaDbServer(Process process, Thread logPump, HostPort listen, Path dataDir) {
        this.process = process;
        this.logPump = logPump;
        this.listen = listen;
        this.dataDir = dataDir;
    }

    /**
     * Starts a server and waits until it accepts connections.
     *
     * @param log receives the server's own log lines and ours
     * @throws IOException when initialisation fails, the server exits, or it is not ready within {@code timeout}
     */
    static MariaDbServer start(MariaDbInstallation mariadb, HostPort listen, Path dataDir, String rootPassword,
            PrintStream log, Duration timeout) throws IOException, InterruptedException {
        if (rootPassword.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("the root password must not contain control characters (newlines...)");
        }
        Path data = dataDir.toAbsolutePath();
        Files.createDirectories(data);
        refuseIfRunning(data);
        Path initFile = null;
        if (!Files.isDirectory(data.resolve("mysql"))) {
            log.println("Initialising a new data directory " + data + " with " + mariadb.origin());
            List<String> install = new ArrayList<>(List.of(mariadb.installDb().toString(), "--no-defaults",
                    "--basedir=" + mariadb.baseDir(), "--datadir=" + data, "--auth-root-authentication-method=normal",
                    "--skip-test-db", "--skip-name-resolve", "--force"));
            runningAsRoot().ifPresent(install::add);
            Process p = builder(mariadb, install).start();
            Deque<String> tail = new ArrayDeque<>();
            try (BufferedReader r = p.inputReader(StandardCharsets.UTF_8)) {
                for (String line; (line = r.readLine()) != null; ) {
                    tail.addLast(line);
                    if (tail.size() > 20) {
                        tail.removeFirst();
                    }
                }
            }
            if (p.waitFor() != 0) {
                throw new IOException(mariadb.installDb() + " failed with status " + p.exitValue() + ":\n"
                        + String.join("\n", tail));
            }
            initFile = data.resolve(INIT_FILE);
            String pw = rootPassword.replace("\\", "\\\\").replace("'", "''");
            Files.deleteIfExists(initFile);
            Files.createFile(initFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            // install-db also makes password-less root@127.0.0.1, root@::1 and root@<host name>: TCP logins would
            // match those before root@'%', so only root@localhost (socket) and root@'%' remain, both with the password.
            Files.writeString(initFile, "DELETE FROM mysql.global_priv WHERE User = 'root' AND Host NOT IN ('localhost', '%');\n"
                    + "FLUSH PRIVILEGES;\n"
                    + "ALTER USER 'root'@'localhost' IDENTIFIED BY '" + pw + "';\n"
                    + "CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY '" + pw + "';\n"
                    + "GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;\n", StandardCharsets.UTF_8);
        }
        List<String> args = new ArrayList<>(List.of(mariadb.server().toString(), "--no-defaults",
                "--basedir=" + mariadb.baseDir(), "--datadir=" + data, "--port=" + listen.port(),
                "--bind-address=" + listen.host(), "--socket=" + socketPath(listen), "--pid-file=" + data.resolve("mariadbd.pid"),
                "--skip-name-resolve", "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci",
                "--max-allowed-packet=64M", "--innodb-buffer-pool-size=64M",
                // MariaDB 11.4 generates a self-signed TLS certificate at every start when none is configured:
                // 20-50 s of a 1-20 s start on a loaded machine here. The app speaks plain TCP, as the tutorial's did.
                "--skip-ssl"));
        runningAsRoot().ifPresent(args::add);
        if (initFile != null) {
            args.add("--init-file=" + initFile);
        }
        log.println("Starting " + mariadb.server() + " on " + listen + " (data " + data + ")");
        // The server writes its log to a file that we follow, not to a pipe: when a child exits, the JDK drains
        // and closes its pipe under a blocked reader, and the last lines (the shutdown log) would be lost.
        Path logFile = data.resolve("mariadbd.log");
        Process process = builder(mariadb, args).redirectOutput(logFile.toFile()).start();
        CountDownLatch ready = new CountDownLatch(1);
        Thread pump = Thread.ofPlatform().daemon().name("mariadbd-log-" + listen.port())
                .start(() -> follow(logFile, process, log, ready));
        MariaDbServer server = new MariaDbServer(process, pump, listen, data);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready.await(200, TimeUnit.MILLISECONDS)) {
            if (!process.isAlive()) {
                throw new IOException(mariadb.server() + " exited with status " + process.exitValue()
                        + " before it was ready; its log is above");
            }
            if (System.nanoTime() > deadline) {
                server.close();
                throw new IOException(mariadb.server() + " was not ready within " + timeout.toSeconds() + " s");
            }
        }
        if (initFile != null) {
            Files.deleteIfExists(initFile);
        }
        return server;
    }

    /** Copies {@code logFile}'s lines to {@code log} as they are written, until the process has exited. */
    private static void follow(Path logFile, Process process, PrintStream log, CountDownLatch ready) {
        try (InputStream in = Files.newInputStream(logFile)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            while (true) {
                boolean exited = !process.isAlive();
                int n = in.read(buffer);
                if (n < 0) {
                    if (exited) {
                        break;
                    }
                    Thread.sleep(50);
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        String text = line.toString(StandardCharsets.UTF_8);
                        line.reset();
                        log.println(text);
                        if (text.contains(READY)) {
                            ready.countDown();
                        }
                    } else {
                        line.write(buffer[i]);
                    }
                }
            }
            if (line.size() > 0) {
                log.println(line.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            log.println("cannot follow " + logFile + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until the server exits on its own (or is stopped) and returns its status. */
    int awaitExit() throws InterruptedException {
        int status = process.waitFor();
        logPump.join(5_000); // its shutdown lines belong in the journal before we say it exited
        return status;
    }

    /** SIGTERM and wait for the clean shutdown; SIGKILL after {@link #STOP_TIMEOUT}. Idempotent. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
            logPump.join(5_000);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static ProcessBuilder builder(MariaDbInstallation mariadb, List<String> command) {
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
        b.directory(mariadb.baseDir().toFile());
        if (mariadb.libDir() != null) {
            String old = b.environment().get("LD_LIBRARY_PATH");
            b.environment().put("LD_LIBRARY_PATH", mariadb.libDir() + (old == null ? "" : ":" + old));
        }
        return b;
    }

    /** mariadbd refuses to run as root unless told to; other users need no option. */
    private static Optional<String> runningAsRoot() {
        return "root".equals(System.getProperty("user.name")) ? Optional.of("--user=root") : Optional.empty();
    }

    /** A unix socket path short enough for the kernel's 108-byte limit, whatever the data directory. */
    private static Path socketPath(HostPort listen) {
        // Named by address and port: in dev mode several machines share one host (127.0.0.2:3306, 127.0.0.3:3306).
        String name = "flotilla-world-db-" + listen.host().replaceAll("[^A-Za-z0-9.]", "_") + "-" + listen.port() + ".sock";
        return Path.of(System.getProperty("java.io.tmpdir"), name);
    }

    /** A server still running on this data directory (its pid file names a live process) is an error. */
    private static void refuseIfRunning(Path data) throws IOException {
        Path pidFile = data.resolve("mariadbd.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            Optional<ProcessHandle> running = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
            if (running.isPresent() && running.get().info().command().orElse("").matches(".*(mariadbd|mysqld)$")) {
                throw new IOException("a MariaDB server (pid " + pid + ") is still running on " + data
                        + "; stop it first (kill " + pid + ")");
            }
        } catch (NumberFormatException e) {
            // A torn pid file from a crash: mariadbd rewrites it.
        }
    }

    @Override
    public String toString() {
        return "mariadbd pid " + process.pid() + " on " + listen + " (" + dataDir + ")";
    }
}
