package dev.flotilla.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

import dev.flotilla.store.embedded.EmbeddedKvStore;

/**
 * The fleet commands against a {@link TestCluster}: the packaged jar runs as a separate process with
 * {@code --endpoint} pointing at an API server in the test JVM; a temporary directory holds unit files.
 */
abstract class FleetCliTestBase {

    static EmbeddedKvStore store;

    TestCluster cluster;

    @TempDir
    Path dir;

    @BeforeAll
    static void openStore() {
        store = EmbeddedKvStore.inMemory();
    }

    @AfterAll
    static void closeStore() {
        store.close();
    }

    @BeforeEach
    void startCluster(TestInfo info) throws Exception {
        cluster = TestCluster.start(store, info.getTestMethod().orElseThrow().getName());
    }

    @AfterEach
    void stopCluster() throws Exception {
        cluster.close();
    }

    /** Runs {@code flotilla ARGS --endpoint URL} in the unit-file directory. */
    CliProcess.Result cli(String... args) {
        return CliProcess.run(CliProcess.Options.defaults().in(dir), withEndpoint(args));
    }

    /** Starts {@code flotilla ARGS --endpoint URL} in the unit-file directory and returns at once. */
    CliProcess.Running startCli(String... args) {
        return CliProcess.start(CliProcess.Options.defaults().in(dir), withEndpoint(args));
    }

    private String[] withEndpoint(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--endpoint";
        all[args.length + 1] = cluster.endpoint();
        return all;
    }

    /** The seed tutorial's unit file {@code name}, as bytes from the test resources. */
    static byte[] seed(String name) throws IOException {
        try (InputStream in = FleetCliTestBase.class.getResourceAsStream("/units/" + name)) {
            if (in == null) {
                throw new IOException("no seed unit " + name);
            }
            return in.readAllBytes();
        }
    }

    /** Writes {@code text} to {@code name} in the unit-file directory. */
    Path file(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    /** Copies the seed unit {@code name} into the unit-file directory. */
    Path seedFile(String name) throws IOException {
        return Files.write(dir.resolve(name), seed(name));
    }
}
