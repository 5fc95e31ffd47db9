package dev.flotilla.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

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

    /**
     * The modules of {@link #jre()}: what {@code jdeps --print-module-deps} finds for the world app's web tier and
     * its libraries (without {@code java.desktop}, whose AWT libraries need X11 libraries this image lacks), plus
     * those its JDBC driver and logging load reflectively.
     */
    public static final List<String> JRE_MODULES = List.of("java.base", "java.logging", "java.management",
            "java.naming", "java.net.http", "java.security.jgss", "java.sql", "java.xml", "jdk.crypto.ec",
            "jdk.httpserver", "jdk.unsupported");

    /** Where {@link #jre()} has its runtime: the path of the {@code eclipse-temurin} images. */
    public static final String JRE_HOME = "/opt/java/openjdk";

    /** A shared library in {@code ldd}'s answer: {@code name => /path (0x...)} or {@code /path (0x...)}. */
    private static final Pattern LDD_PATH = Pattern.compile("(?m)^\\s*(?:\\S+\\s+=>\\s+)?(/\\S+)\\s+\\(0x");
    private static final Pattern LDD_MISSING = Pattern.compile("(?m)^\\s*(\\S+)\\s+=>\\s+not found");

    private static final Object LOCK = new Object();
    private static volatile String busybox;
    private static volatile String jre;

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
        base(root, binary);
        executable(root.resolve("bin/web"), WEB_SCRIPT);
        Files.createDirectories(root.resolve("www/cgi-bin"));
        Files.writeString(root.resolve("www/index.html"), INDEX_HTML);
        executable(root.resolve("www/cgi-bin/env"), ENV_CGI);
    }

    /** busybox with every applet in /bin (so /bin/sh), /etc/passwd and group, and the usual empty directories. */
    private static void base(Path root, Path binary) throws IOException {
        Path bin = Files.createDirectories(root.resolve("bin"));
        Files.copy(binary, bin.resolve("busybox"));
        for (String applet : run(List.of(binary.toString(), "--list")).lines().map(String::strip).toList()) {
            if (!applet.isEmpty() && !applet.equals("busybox")) {
                Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
            }
        }
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

    /**
     * An image holding a Java runtime at {@link #JRE_HOME} ({@code java} on the {@code PATH}, as in the
     * {@code eclipse-temurin} images), linked with {@code jlink} from the JDK running this test ({@link #JRE_MODULES}),
     * with the host's shared libraries it needs (glibc, found with {@code ldd}) and busybox as {@code /bin/sh}. It holds
     * no application: units mount their jars. Tagged by a hash of the JDK's {@code release} file, the modules, busybox
     * and the host's dynamic loader, so it is built once per engine (about 10 s) and rebuilt when one of them changes.
     *
     * @return the image's reference, e.g. {@code flotilla-test/jre:3f2a1b4c5d6e}
     * @throws IllegalStateException when there is no engine, no static busybox, or jlink, ldd or the import fails
     */
    public static String jre() {
        String image = jre;
        if (image != null) {
            return image;
        }
        synchronized (LOCK) {
            if (jre == null) {
                jre = importJre(Path.of(System.getProperty("java.home")));
            }
            return jre;
        }
    }

    private static String importJre(Path jdk) {
        DockerEngine.require();
        Path binary = busyboxBinary();
        Path jlink = jdk.resolve("bin/jlink");
        if (!Files.isExecutable(jlink)) {
            throw new IllegalStateException("no jlink at " + jlink + " to build the JRE test image: run the tests on a "
                    + "JDK, not a JRE");
        }
        try {
            String tag = "flotilla-test/jre:" + hash(Files.readAllBytes(binary), Files.readString(jdk.resolve("release")),
                    String.join(",", JRE_MODULES), Files.size(Path.of(loader())) + "@" + Files.getLastModifiedTime(Path.of(loader())));
            if (DockerEngine.docker("image", "inspect", tag).status() == 0) {
                return tag;
            }
            Path root = WorkDirs.create("jre-rootfs");
            try {
                base(root, binary);
                Path home = root.resolve(JRE_HOME.substring(1));
                Files.createDirectories(home.getParent());
                run(List.of(jlink.toString(), "--add-modules", String.join(",", JRE_MODULES), "--strip-debug",
                        "--no-man-pages", "--no-header-files", "--output", home.toString()));
                Set<String> libraryDirs = new TreeSet<>();
                for (String library : hostLibraries(home)) {
                    Path target = root.resolve(library.substring(1));
                    Files.createDirectories(target.getParent());
                    Files.copy(Path.of(library), target, StandardCopyOption.COPY_ATTRIBUTES); // follows links
                    libraryDirs.add(Path.of(library).getParent().toString());
                }
                Path tar = root.resolveSibling(root.getFileName() + ".tar");
                run(List.of("tar", "--numeric-owner", "--owner=0", "--group=0", "-C", root.toString(), "-cf",
                        tar.toString(), "."));
                try {
                    DockerEngine.docker("import", "-c", "ENV PATH=" + JRE_HOME + "/bin:/bin", "-c", "ENV JAVA_HOME="
                            + JRE_HOME, "-c", "ENV LD_LIBRARY_PATH=" + String.join(":", libraryDirs), "-c",
                            "CMD [\"java\", \"-version\"]", tar.toString(), tag).orThrow("docker import of the JRE test image");
                } finally {
                    Files.deleteIfExists(tar);
                }
            } finally {
                WorkDirs.deleteRecursively(root);
            }
            DockerEngine.docker("run", "--rm", tag, "java", "-version").orThrow("running java in the freshly imported "
                    + tag);
            return tag;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the JRE test image from " + jdk, e);
        }
    }

    /** The host's dynamic loader, which every dynamically linked program names. */
    private static String loader() {
        return "/lib64/ld-linux-x86-64.so.2";
    }

    /**
     * The shared libraries outside the runtime that its launcher, its JVM and its native libraries load, as the host
     * resolves them ({@code ldd}), the dynamic loader included.
     */
    private static Set<String> hostLibraries(Path home) throws IOException {
        List<String> command = new ArrayList<>(List.of("ldd", home.resolve("bin/java").toString(),
                home.resolve("lib/server/libjvm.so").toString()));
        try (var files = Files.list(home.resolve("lib"))) {
            files.filter(f -> f.getFileName().toString().endsWith(".so")).sorted().forEach(f -> command.add(f.toString()));
        }
        String out = run(command);
        Set<String> own;
        try (var files = Files.walk(home)) {
            own = files.map(f -> f.getFileName().toString()).collect(Collectors.toSet());
        }
        Matcher missing = LDD_MISSING.matcher(out);
        while (missing.find()) {
            // libjvm.so, for the runtime's own libraries, is loaded by then: ldd cannot see how they find it.
            if (!own.contains(missing.group(1))) {
                throw new IllegalStateException("the JRE test image needs " + missing.group(1) + ", which this host "
                        + "lacks (ldd of " + home + ")");
            }
        }
        Set<String> libraries = new TreeSet<>();
        Matcher m = LDD_PATH.matcher(out);
        while (m.find()) {
            if (!Path.of(m.group(1)).normalize().startsWith(home)) {
                libraries.add(m.group(1));
            }
        }
        if (!libraries.contains(loader())) {
            throw new IllegalStateException("ldd of " + home + "/bin/java names no " + loader() + ": " + out.strip());
        }
        return libraries;
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
