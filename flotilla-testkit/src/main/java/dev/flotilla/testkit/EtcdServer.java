package dev.flotilla.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One real etcd member on 127.0.0.1, for tests: free client, peer and health ports, its own
 * directory under {@link WorkDirs#root()} holding the data ({@code data/}) and etcd's output
 * ({@code etcd.log}). {@link #startNew()} returns once the member serves (its {@code /health} says
 * true). The member can be killed, stopped and started again on the same ports and data.
 *
 * <p>Every process is also killed when the JVM exits. {@link #close()} kills the member and
 * deletes its data (the log stays). Thread-safe: methods that change the process are
 * synchronized.
 */
public final class EtcdServer implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int START_ATTEMPTS = 3;
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1))
            .build();

    private final Path binary;
    private final MemberSpec spec;
    private Process process; // guarded by this

    EtcdServer(Path binary, MemberSpec spec) {
        this.binary = binary;
        this.spec = spec;
    }

    /**
     * Starts a single-member etcd serving plain HTTP and waits until it serves.
     *
     * @throws IllegalStateException when etcd is not installed ("etcd not found: ...") or does not
     *     become healthy within 30 s (the message holds the tail of its log)
     */
    public static EtcdServer startNew() {
        return startNew(null);
    }

    /**
     * Starts a single-member etcd whose client port serves TLS with {@code tls} (plain HTTP when
     * null) and waits until it serves.
     *
     * @throws IllegalStateException as {@link #startNew()}
     */
    public static EtcdServer startNew(EtcdTls tls) {
        Path binary = EtcdBinary.locate();
        for (int attempt = 1; ; attempt++) {
            Path dir = WorkDirs.create("etcd");
            int peerPort = FreePorts.next();
            MemberSpec spec = new MemberSpec("etcd", dir, FreePorts.next(), peerPort, FreePorts.next(),
                    "etcd=http://127.0.0.1:" + peerPort, dir.getFileName().toString(), tls);
            EtcdServer server = new EtcdServer(binary, spec);
            try {
                server.start();
                return server;
            } catch (IllegalStateException e) {
                boolean portTaken = server.portWasTaken();
                server.close();
                if (!portTaken || attempt == START_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /**
     * (Re)starts the member on its ports and data directory and waits until it serves. A member of
     * an {@link EtcdCluster} serves once it sees a leader.
     *
     * @throws IllegalStateException when it is already running or does not become healthy in time
     */
    public synchronized void start() {
        launch();
        awaitHealthy();
    }

    /** Starts the process without waiting for it to serve (cluster members start together). */
    synchronized void launch() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("etcd member " + spec.name() + " is already running (pid "
                    + process.pid() + ")");
        }
        List<String> command = spec.command(binary);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()));
        builder.environment().keySet().removeIf(name -> name.startsWith("ETCD"));
        try {
            Files.createDirectories(spec.dir());
            Files.writeString(spec.logFile(), "=== " + Instant.now() + " " + String.join(" ", command) + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + binary + ": " + e.getMessage(), e);
        }
        Reaper.register(process);
    }

    /** Waits until the running member answers its health check; kills it and fails otherwise. */
    void awaitHealthy() {
        Process current;
        synchronized (this) {
            current = process;
        }
        if (current == null) {
            throw new IllegalStateException("etcd member " + spec.name() + " was not started");
        }
        String problem;
        try {
            Awaitility.await("etcd member " + spec.name() + " serving at " + endpoint())
                    .atMost(START_TIMEOUT)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> !current.isAlive() || healthy());
            if (current.isAlive()) {
                return;
            }
            problem = "exited with status " + current.exitValue();
        } catch (ConditionTimeoutException e) {
            problem = "did not become healthy within " + START_TIMEOUT.toSeconds() + " s";
        }
        kill();
        throw new IllegalStateException("etcd member " + spec.name() + " (" + endpoint() + ") " + problem
                + "; last lines of " + spec.logFile() + ":\n" + logTail(40));
    }

    private boolean healthy() {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(spec.healthUrl())).timeout(Duration.ofSeconds(1)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"health\":\"true\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Kills the member with SIGKILL and waits until it is gone; a no-op when it is not running. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitForExit(process, STOP_TIMEOUT);
            Reaper.unregister(process);
            process = null;
        }
    }

    /**
     * Stops the member with SIGTERM (etcd shuts down cleanly), falling back to SIGKILL after 10 s;
     * a no-op when it is not running.
     */
    public synchronized void stop() {
        if (process != null) {
            process.destroy();
            if (!waitForExit(process, STOP_TIMEOUT)) {
                process.destroyForcibly();
                waitForExit(process, STOP_TIMEOUT);
            }
            Reaper.unregister(process);
            process = null;
        }
    }

    /** Kills the member and deletes its data directory; its log stays for post-mortems. Idempotent. */
    @Override
    public void close() {
        kill();
        WorkDirs.deleteRecursively(spec.dataDir());
    }

    /** The client URL, {@code http://127.0.0.1:PORT} ({@code https} with TLS). */
    public String endpoint() {
        return spec.clientUrl();
    }

    /** The client port on 127.0.0.1. */
    public int clientPort() {
        return spec.clientPort();
    }

    /** The member's name in its cluster. */
    public String name() {
        return spec.name();
    }

    /** The member's data directory (kept across kill and start, deleted by close). */
    public Path dataDir() {
        return spec.dataDir();
    }

    /** The file etcd's output goes to. */
    public Path logFile() {
        return spec.logFile();
    }

    /** Whether the member's process is alive. */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * The operating-system process ID of the running member.
     *
     * @throws IllegalStateException when it is not running
     */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("etcd member " + spec.name() + " is not running");
        }
        return process.pid();
    }

    /** The last {@code lines} lines of etcd's log, for failure messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(spec.logFile(), StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + spec.logFile() + ": " + e.getMessage() + ")";
        }
    }

    /** Whether the last start failed because another process holds one of the member's ports. */
    boolean portWasTaken() {
        return logTail(20).contains("address already in use");
    }

    @Override
    public String toString() {
        return "EtcdServer[" + spec.name() + " " + endpoint() + " " + spec.dir() + "]";
    }

    private static boolean waitForExit(Process process, Duration timeout) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    interrupted = true; // finish the wait: a half-stopped etcd would leak
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
