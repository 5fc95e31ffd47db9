package dev.flotilla.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real HAProxy (Debian's {@code haproxy} package, or {@code $HAPROXY_BIN}) in the foreground, for
 * tests and benchmarks, with its configuration, Runtime API socket and output in its own directory
 * under {@link WorkDirs#root()}. The caller writes the proxies (defaults, frontends, backends); this
 * class writes the {@code global} section: an admin-level Runtime API socket ({@link #socket()}) with
 * {@code expose-fd listeners}, and no daemon mode. {@link #start} returns once HAProxy answers on
 * the socket. The process is killed when the JVM exits if {@link #close()} was not called.
 * Frontends must bind loopback addresses only: nothing here checks that for the caller.
 */
public final class HaproxyProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    /** sun_path is 108 bytes on Linux, with its terminating NUL. */
    private static final int MAX_SOCKET_PATH = 107;

    private final Path dir;
    private final Path socket;
    private final Process process;

    private HaproxyProcess(Path dir, Path socket, Process process) {
        this.dir = dir;
        this.socket = socket;
        this.process = process;
    }

    /**
     * Starts HAProxy with {@code proxies} after the generated {@code global} section and waits until
     * its Runtime API answers.
     *
     * @param extraGlobal more lines for the {@code global} section (e.g. {@code nbthread 2}), or ""
     * @throws IllegalStateException when HAProxy is not installed, rejects the configuration or does
     *     not answer within 30 s (the message holds its output)
     */
    public static HaproxyProcess start(String extraGlobal, String proxies) {
        Path binary = binary();
        Path dir = WorkDirs.create("haproxy");
        Path socket = dir.resolve("admin.sock");
        if (socket.toString().length() > MAX_SOCKET_PATH) {
            throw new IllegalStateException("HAProxy's socket path " + socket + " is longer than "
                    + MAX_SOCKET_PATH + " bytes: use a shorter " + WorkDirs.PROPERTY);
        }
        Path config = dir.resolve("haproxy.cfg");
        Path log = dir.resolve("haproxy.log");
        String global = "global\n"
                + "  stats socket " + socket + " mode 600 expose-fd listeners level admin\n"
                + "  stats timeout 30s\n"
                + extraGlobal.lines().map(line -> "  " + line.strip() + "\n").reduce("", String::concat)
                + "\n";
        try {
            Files.writeString(config, global + proxies);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config, e);
        }
        Process process;
        try {
            process = new ProcessBuilder(List.of(binary.toString(), "-db", "-f", config.toString()))
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + binary + ": " + e.getMessage(), e);
        }
        Reaper.register(process);
        HaproxyProcess haproxy = new HaproxyProcess(dir, socket, process);
        String problem;
        try {
            Awaitility.await("HAProxy answering on " + socket)
                    .atMost(START_TIMEOUT)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> !process.isAlive() || haproxy.command("show info").contains("Name: HAProxy"));
            if (process.isAlive()) {
                return haproxy;
            }
            problem = "exited with status " + process.exitValue();
        } catch (ConditionTimeoutException e) {
            problem = "did not answer on its socket within " + START_TIMEOUT.toSeconds() + " s";
        }
        haproxy.close();
        throw new IllegalStateException("HAProxy (" + config + ") " + problem + "; its output:\n" + haproxy.output());
    }

    /** {@code $HAPROXY_BIN}, else /usr/sbin/haproxy (Debian's haproxy package). */
    public static Path binary() {
        String configured = System.getenv("HAPROXY_BIN");
        Path binary = Path.of(configured != null && !configured.isBlank() ? configured : "/usr/sbin/haproxy");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("HAProxy not found at " + binary + ": run bin/test as root to install "
                    + "Debian's haproxy package, or set HAPROXY_BIN");
        }
        return binary;
    }

    /**
     * Sends one Runtime API command and returns the answer; "" when the socket is not there yet.
     * Enough for tests to look; {@code dev.flotilla.lb.haproxy.HaproxyRuntimeApi} is the real client.
     */
    public String command(String command) {
        if (!Files.exists(socket)) {
            return "";
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(StandardCharsets.UTF_8.encode(command + "\n"));
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
            while (channel.read(buffer) >= 0) {
                answer.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return answer.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The Runtime API socket ({@code level admin}). */
    public Path socket() {
        return socket;
    }

    /** The directory holding the configuration, the socket and HAProxy's output. */
    public Path dir() {
        return dir;
    }

    /** The process ID. */
    public long pid() {
        return process.pid();
    }

    /** Whatever HAProxy printed so far (its warnings and alerts). */
    public String output() {
        try {
            return Files.readString(dir.resolve("haproxy.log"));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** Stops HAProxy (SIGTERM, then SIGKILL after 10 s) and waits until it is gone. Idempotent. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        Reaper.unregister(process);
    }
}
