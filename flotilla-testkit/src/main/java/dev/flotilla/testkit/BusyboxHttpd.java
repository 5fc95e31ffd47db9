package dev.flotilla.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real static web server for tests and benchmarks: {@code busybox httpd -f} (Debian's
 * busybox-static, or {@code $BUSYBOX}) on one loopback address and port, serving a directory under
 * {@link WorkDirs#root()} whose {@code index.html} holds the text given, so a client can tell which
 * server answered. {@link #start} returns once the port accepts connections. Killed when the JVM
 * exits if {@link #close()} was not called.
 */
public final class BusyboxHttpd implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final String host;
    private final int port;
    private final Path dir;
    private final Process process;

    private BusyboxHttpd(String host, int port, Path dir, Process process) {
        this.host = host;
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    /**
     * Serves {@code index} as {@code /index.html} (and {@code /}) on {@code host:port}.
     *
     * @param host a loopback address such as 127.0.0.2
     * @throws IllegalArgumentException when {@code host} is not in 127.0.0.0/8
     * @throws IllegalStateException when busybox is missing or the server does not come up within 30 s
     */
    public static BusyboxHttpd start(String host, int port, String index) {
        if (!host.startsWith("127.")) {
            throw new IllegalArgumentException("busybox httpd binds loopback addresses only, not " + host);
        }
        Path binary = binary();
        Path dir = WorkDirs.create("httpd-" + host + "-" + port);
        Path www;
        try {
            www = Files.createDirectories(dir.resolve("www"));
            Files.writeString(www.resolve("index.html"), index);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the page under " + dir, e);
        }
        Process process;
        try {
            process = new ProcessBuilder(List.of(binary.toString(), "httpd", "-f", "-p", host + ":" + port,
                    "-h", www.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("httpd.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + binary + " httpd: " + e.getMessage(), e);
        }
        Reaper.register(process);
        BusyboxHttpd httpd = new BusyboxHttpd(host, port, dir, process);
        try {
            Awaitility.await("busybox httpd on " + host + ":" + port)
                    .atMost(START_TIMEOUT)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> !process.isAlive() || httpd.accepts());
        } catch (ConditionTimeoutException e) {
            httpd.close();
            throw new IllegalStateException("busybox httpd on " + host + ":" + port + " did not accept within "
                    + START_TIMEOUT.toSeconds() + " s");
        }
        if (!process.isAlive()) {
            throw new IllegalStateException("busybox httpd on " + host + ":" + port + " exited with status "
                    + process.exitValue() + " (port taken?); see " + dir.resolve("httpd.log"));
        }
        return httpd;
    }

    /** {@code $BUSYBOX}, else /bin/busybox. */
    static Path binary() {
        String configured = System.getenv("BUSYBOX");
        Path binary = Path.of(configured != null && !configured.isBlank() ? configured : "/bin/busybox");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("no busybox at " + binary + ": run bin/test as root (it installs "
                    + "busybox-static), or set BUSYBOX");
        }
        return binary;
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** {@code host:port}. */
    public String hostPort() {
        return host + ":" + port;
    }

    /** The directory served is {@code dir()/www}. */
    public Path dir() {
        return dir;
    }

    /** Whether the process is still running. */
    public boolean alive() {
        return process.isAlive();
    }

    /** Kills the server and waits until it is gone. Idempotent. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Reaper.unregister(process);
    }
}
