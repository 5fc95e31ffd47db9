package dev.flotilla.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Finds the etcd executable: {@code $ETCD_BIN}, else {@code etcd} on the PATH, else /usr/bin/etcd. */
final class EtcdBinary {
    static final String NOT_FOUND = "etcd not found: run bin/test as root to install etcd-server, or set ETCD_BIN";

    private EtcdBinary() {
    }

    /** The etcd executable to run; fails with {@link #NOT_FOUND} (plus where it looked) when there is none. */
    static Path locate() {
        return locate(System.getenv());
    }

    static Path locate(Map<String, String> env) {
        String configured = env.get("ETCD_BIN");
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            if (Files.isExecutable(path)) {
                return path;
            }
            throw new IllegalStateException(NOT_FOUND + " (ETCD_BIN=" + configured + " is not an executable file)");
        }
        String pathVariable = env.getOrDefault("PATH", "");
        for (String dir : pathVariable.split(File.pathSeparator)) {
            if (!dir.isBlank()) {
                Path candidate = Path.of(dir, "etcd");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        Path fallback = Path.of("/usr/bin/etcd");
        if (Files.isExecutable(fallback)) {
            return fallback;
        }
        throw new IllegalStateException(NOT_FOUND + " (looked at $ETCD_BIN, the PATH and /usr/bin/etcd)");
    }
}
