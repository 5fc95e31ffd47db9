package dev.flotilla.lb;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.flotilla.testkit.FreePorts;

/**
 * A real HTTP backend in its own process on its own loopback address: {@code busybox httpd} (a connection per
 * request, CGI) or Python's {@code http.server} speaking HTTP/1.1 (keep-alive, files only). Its directory's
 * {@code /} names the backend; {@code /health} can be hidden (404) and restored; busybox runs three CGI scripts:
 * {@code /cgi-bin/xff} echoes the X-Forwarded-For it got, {@code /cgi-bin/echo} the method and body, and
 * {@code /cgi-bin/slow} answers only once {@link #release()} was called. Killed with SIGKILL like a crashed server.
 */
final class HttpBackend implements AutoCloseable {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly)));
    }

    private final String name;
    private final String host;
    private final int port;
    private final Path dir;
    private final Process process;

    private HttpBackend(String name, String host, int port, Path dir, Process process) {
        this.name = name;
        this.host = host;
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    /** Starts a backend called {@code name} on {@code host} (e.g. 127.0.0.2), serving under {@code root}, and waits until it accepts. */
    static HttpBackend start(Path root, String name, String host) throws IOException {
        return start(root, name, host, false);
    }

    /** Like {@link #start(Path, String, String)}, but Python's server, which keeps connections alive. */
    static HttpBackend startKeepAlive(Path root, String name, String host) throws IOException {
        return start(root, name, host, true);
    }

    private static HttpBackend start(Path root, String name, String host, boolean keepAlive) throws IOException {
        Path dir = Files.createDirectories(root.resolve(name));
        Files.writeString(dir.resolve("index.html"), name + "\n");
        Files.writeString(dir.resolve("health"), "ok\n");
        Path cgi = Files.createDirectories(dir.resolve("cgi-bin"));
        script(cgi.resolve("xff"), "printf 'Content-Type: text/plain\\r\\n\\r\\n%s\\n' \"$HTTP_X_FORWARDED_FOR\"\n");
        script(cgi.resolve("echo"), "printf 'Content-Type: text/plain\\r\\n\\r\\n%s %s ' \"$REQUEST_METHOD\" " + name + "\n"
                + "head -c \"$CONTENT_LENGTH\"\n");
        script(cgi.resolve("slow"), "while [ ! -f " + dir.resolve("release") + " ]; do sleep 0.05; done\n"
                + "printf 'Content-Type: text/plain\\r\\n\\r\\nslow " + name + "\\n'\n");
        int port = FreePorts.next();
        List<String> command = keepAlive
                ? List.of("python3", "-m", "http.server", "-p", "HTTP/1.1", "-b", host, "-d", dir.toString(), "" + port)
                : List.of("/bin/busybox", "httpd", "-f", "-p", host + ":" + port, "-h", dir.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(root.resolve(name + ".log").toFile()).start();
        LIVE.add(process);
        HttpBackend httpd = new HttpBackend(name, host, port, dir, process);
        await().atMost(Duration.ofSeconds(30)).until(httpd::accepts);
        return httpd;
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    String name() {
        return name;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    String hostPort() {
        return host + ":" + port;
    }

    BackendAddress address() {
        return new BackendAddress(name, host, port, true);
    }

    /** {@code /health} answers 404 from now on. */
    void hideHealth() throws IOException {
        Files.move(dir.resolve("health"), dir.resolve("health.off"));
    }

    /** {@code /health} answers 200 again. */
    void restoreHealth() throws IOException {
        Files.move(dir.resolve("health.off"), dir.resolve("health"));
    }

    /** {@code /health} answers 200 with another body. */
    void changeHealthBody(String body) throws IOException {
        Files.writeString(dir.resolve("health"), body);
    }

    /** Lets every waiting and future {@code /cgi-bin/slow} answer. */
    void release() throws IOException {
        Files.writeString(dir.resolve("release"), "go\n");
    }

    /** SIGKILL, like a crash; returns once the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        LIVE.remove(process);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
