package dev.flotilla.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;

/**
 * bin/flotilla's AOT caches in {@code flotilla-cli/target/aot}: their names carry a key of the jars and the JDK, so
 * a cache made after both jars were last built is the one bin/flotilla uses now.
 */
final class AotFiles {

    private AotFiles() {
    }

    /** Whether {@code dir} holds a file named by {@code regex} written after {@code jar} and flotilla-client.jar. */
    static boolean newerThanJars(Path dir, String regex, Path jar) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        FileTime built = Files.getLastModifiedTime(jar);
        Path client = jar.resolveSibling("flotilla-client.jar");
        if (Files.exists(client) && Files.getLastModifiedTime(client).compareTo(built) > 0) {
            built = Files.getLastModifiedTime(client);
        }
        FileTime after = built;
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().matches(regex) && modified(f).compareTo(after) > 0);
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0); // gone meanwhile
        }
    }
}
