package dev.flotilla.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Container images for tests, built on this machine: no registry is needed (or reachable). Each is
 * a {@code docker import} of a small root file system, named after a hash of its contents, so it
 * is built once per machine and rebuilt only when its contents change. Thread-safe.
 */
public final class DockerImages {

    /** The page {@code /www/index.html} of {@link #busybox()} serves. */
    public static final String INDEX_HTML = "<strong>There is no place like 127.0.0.1</strong>\n";

    /**
     * {@code /bin/web}: serves {@code /www} with busybox httpd on {@code $PORT} (default 80) and
     * exits 0 on SIGTERM, as a well-behaved web container does ({@code docker stop} takes no timeout).
     */
    private static final String WEB_SCRIPT = """
            #!/bin/sh
            # Serves /www on port ${PORT:-80} until SIGTERM or SIGINT.
            trap 'kill $pid 2>/dev/null; exit 0' TERM INT
            echo "web: serving /www on port ${PORT:-80} as $(hostname)"
            httpd -f -vv -p "${PORT:-80}" -h /www & pid=$!
            wait $pid
            """;

    /** {@code /www/cgi-bin/env}: the container's host name and environment, as a CGI script. */
    private static final String ENV_CGI = """
            #!/bin/sh
            printf 'Content-Type: text/plain\\r\\n\\r\\n'
            echo "hostname=$(hostname)"
            env | sort
            """;

    private static final Object LOCK = new Object();
    private static volatile String busybox;

    private DockerImages() {
    }

    /**
     * An image holding a static busybox (every applet linked in {@code /bin}, {@code PATH=/bin}) whose
     * default command, {@code /bin/web}, serves {@code /www} over HTTP on port 80 ({@link #INDEX_HTML};
     * {@code /cgi-bin/env} prints the container's environment). Imported once per machine; later
     * calls only check it is there.
     *
     * @return the image's reference, e.g. {@code flotilla-test/busybox:3f2a1b4c5d6e}
     * @throws IllegalStateException when there is no engine ({@link DockerEngine#NO_ENGINE}), no
     *     static busybox, or the import fails
     */
    public static String busybox() {
        String image = busybox;
        if (image != null) {
            return image;
        }
        synchronized (LOCK) {
            if (busybox == null) {
                busybox = importBusybox();
            }
            return busybox;
        }
    }

    private static String importBusybox() {
        DockerEngine.require();
        Path binary = busyboxBinary();
        try {
            byte[] bytes = Files.readAllBytes(binary);
            String tag = "flotilla-test/busybox:" + hash(bytes, WEB_SCRIPT, ENV_CGI, INDEX_HTML);
            if (DockerEngine.docker("image", "inspect", tag).status() == 0) {
                return tag;
            }
            Path root = WorkDirs.create("busybox-rootfs");
            try {
                build(root, binary);
                Path tar = root.resolveSibling(root.getFileName() + ".tar");
                run(List.of("tar", "--numeric-owner", "--owner=0", "--group=0", "-C", root.toString(), "-cf",
                        tar.toString(), "."));
                try {
                    DockerEngine.docker("import", "-c", "ENV PATH=/bin", "-c", "CMD [\"/bin/web\"]", "-c",
                            "EXPOSE 80", tar.toString(), tag).orThrow("docker import of the busybox test image");
                } finally {
                    Files.deleteIfExists(tar);
                }
            } finally {
                WorkDirs.deleteRecursively(root);
            }
            DockerEngine.docker("run", "--rm", tag, "true").orThrow("running the freshly imported " + tag + " ("
                    + binary + " must be a statically linked busybox: install Debian's busybox-static)");
            return tag;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the busybox test image from " + binary, e);
        }
    }

    /** {@code $BUSYBOX}, else /bin/busybox (Debian's busybox-static puts a static one there). */
    private static Path busyboxBinary() {
        String configured = System.getenv("BUSYBOX");
        Path binary = Path.of(configured != null && !configured.isBlank() ? configured : "/bin/busybox");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("no busybox at " + binary + " for the test images: run bin/test as root "
                    + "(it installs busybox-static), or set BUSYBOX to a statically linked busybox");
        }
        return binary;
    }

    private static void build(Path root, Path binary) throws IOException {
        Path bin = Files.createDirectories(root.resolve("bin"));
        Files.copy(binary, bin.resolve("busybox"));
        for (String applet : run(List.of(binary.toString(), "--list")).lines().map(String::strip).toList()) {
            if (!applet.isEmpty() && !applet.equals("busybox")) {
                Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
            }
        }
        executable(bin.resolve("web"), WEB_SCRIPT);
        Files.createDirectories(root.resolve("www/cgi-bin"));
        Files.writeString(root.resolve("www/index.html"), INDEX_HTML);
        executable(root.resolve("www/cgi-bin/env"), ENV_CGI);
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\nnogroup:x:65534:\n");
        for (String dir : List.of("tmp", "root", "proc", "sys", "dev", "var/tmp")) {
            Files.createDirectories(root.resolve(dir));
        }
        Files.setPosixFilePermissions(root.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    private static void executable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static String run(List<String> command) throws IOException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out.strip());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.getFirst(), e);
        }
    }

    private static String hash(byte[] binary, String... texts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(binary);
            for (String t : texts) {
                sha.update(t.getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
