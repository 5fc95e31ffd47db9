package dev.flotilla.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fresh directories for runtime tests under {@code flotilla.test.workdir} (surefire sets it to
 * {@code target/test-work}), so that {@code bin/test} can find and kill whatever a test left.
 */
public final class TestWork {

    private static final AtomicLong SEQUENCE = new AtomicLong();

    private TestWork() {}

    /** A new, empty directory whose name starts with {@code name}. */
    public static Path dir(String name) {
        String root = System.getProperty("flotilla.test.workdir",
                Path.of(System.getProperty("java.io.tmpdir"), "flotilla-test-work").toString());
        String safe = name.replaceAll("[^A-Za-z0-9_-]", "_");
        try {
            return Files.createDirectories(Path.of(root).toAbsolutePath().resolve(safe.substring(0, Math.min(40, safe.length()))
                    + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
