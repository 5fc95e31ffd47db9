package dev.flotilla.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Fresh directories for tests, all under one root: the system property
 * {@code flotilla.test.workdir} (surefire sets it to {@code target/test-work}), else
 * {@code java.io.tmpdir}/flotilla-test-work. Processes the tests start keep their files there,
 * so {@code bin/test} can find and kill strays by that path. Thread-safe.
 */
public final class WorkDirs {
    /** The system property naming the root directory. */
    public static final String PROPERTY = "flotilla.test.workdir";

    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HHmmss");

    private WorkDirs() {
    }

    /** The absolute root directory every work directory lives under (not created by this call). */
    public static Path root() {
        String configured = System.getProperty(PROPERTY);
        Path root = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of(System.getProperty("java.io.tmpdir"), "flotilla-test-work");
        return root.toAbsolutePath().normalize();
    }

    /**
     * Creates a new, empty directory under {@link #root()} whose name starts with {@code name}
     * and is unique across JVMs (it carries the process ID).
     *
     * @throws UncheckedIOException when the directory cannot be created
     */
    public static Path create(String name) {
        String unique = name + "-" + LocalTime.now().format(TIME) + "-" + ProcessHandle.current().pid() + "-"
                + SEQUENCE.incrementAndGet();
        try {
            return Files.createDirectories(root().resolve(unique));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work directory under " + root(), e);
        }
    }

    /** Deletes {@code dir} and everything below it; a missing directory is fine. */
    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
