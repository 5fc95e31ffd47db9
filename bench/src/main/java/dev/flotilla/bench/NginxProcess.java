package dev.flotilla.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import dev.flotilla.testkit.WorkDirs;

/**
 * One nginx for the lb benchmark (a backend or a proxy), in the foreground with a private prefix:
 * {@code nginx -p DIR -c DIR/nginx.conf -e DIR/error.log -g 'daemon off;'}, its pid file, error
 * log and temporary files all in DIR (under the bench's work directory), so it neither needs nor
 * touches /etc/nginx, /var/lib/nginx or /run. The caller gives the {@code http} and (optionally)
 * {@code stream} blocks' contents; they must listen on loopback addresses only.
 */
final class NginxProcess implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/sbin/nginx");
    /** Debian's libnginx-mod-stream: nginx's TCP proxy is a dynamic module there. */
    static final Path STREAM_MODULE = Path.of("/usr/lib/nginx/modules/ngx_stream_module.so");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final Process process;

    private NginxProcess(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
    }

    /** Why nginx cannot run here, or null when it can. */
    static String unavailable(boolean stream) {
        if (!Files.isExecutable(BINARY)) {
            return "nginx not installed (Debian's nginx package)";
        }
        if (stream && !Files.isRegularFile(STREAM_MODULE)) {
            return "nginx's stream module not installed (Debian's libnginx-mod-stream package)";
        }
        return null;
    }

    /**
     * Starts nginx with {@code workers} worker processes and waits until every address in
     * {@code listens} ({@code host:port}) accepts connections.
     *
     * @param stream the {@code stream} block's contents, or null for none
     */
    static NginxProcess start(String name, int workers, String http, String stream, List<String> listens)
            throws IOException {
        Path dir = WorkDirs.create("nginx-" + name);
        Files.createDirectories(dir.resolve("tmp"));
        String config = (stream != null ? "load_module " + STREAM_MODULE + ";\n" : "")
                + "worker_processes " + workers + ";\n"
                + "pid " + dir.resolve("nginx.pid") + ";\n"
                + "error_log " + dir.resolve("error.log") + " warn;\n"
                + "events { worker_connections 4096; }\n"
                + "http {\n"
                + "  access_log off;\n"
                + "  client_body_temp_path " + dir.resolve("tmp/body") + ";\n"
                + "  proxy_temp_path " + dir.resolve("tmp/proxy") + ";\n"
                + "  fastcgi_temp_path " + dir.resolve("tmp/fastcgi") + ";\n"
                + "  uwsgi_temp_path " + dir.resolve("tmp/uwsgi") + ";\n"
                + "  scgi_temp_path " + dir.resolve("tmp/scgi") + ";\n"
                + http.indent(2)
                + "}\n"
                + (stream != null ? "stream {\n" + stream.indent(2) + "}\n" : "");
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, config);
        Process process = new ProcessBuilder(List.of(BINARY.toString(), "-p", dir.toString(), "-c", conf.toString(),
                "-e", dir.resolve("error.log").toString(), "-g", "daemon off;"))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("nginx.out").toFile())
                .start();
        NginxProcess nginx = new NginxProcess(dir, process);
        try {
            Awaitility.await("nginx " + name + " listening on " + listens)
                    .atMost(START_TIMEOUT)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> !process.isAlive() || listens.stream().allMatch(NginxProcess::accepts));
        } catch (ConditionTimeoutException e) {
            nginx.close();
            throw new IOException("nginx " + name + " did not listen on " + listens + " within "
                    + START_TIMEOUT.toSeconds() + " s; see " + dir.resolve("error.log"));
        }
        if (!process.isAlive()) {
            throw new IOException("nginx " + name + " exited with status " + process.exitValue() + ": "
                    + Files.readString(dir.resolve("nginx.out")).strip() + " " + Files.readString(dir.resolve("error.log")).strip());
        }
        return nginx;
    }

    static boolean accepts(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(hostPort.substring(0, colon),
                    Integer.parseInt(hostPort.substring(colon + 1))), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    Path dir() {
        return dir;
    }

    /** SIGTERM to the master (it stops its workers), SIGKILL to all of them after 10 s. */
    @Override
    public void close() {
        List<ProcessHandle> workers = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.forEach(ProcessHandle::destroyForcibly);
    }
}
