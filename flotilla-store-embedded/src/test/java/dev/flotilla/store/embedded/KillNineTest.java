package dev.flotilla.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flotilla.store.KeyValue;
import dev.flotilla.store.StoreException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A durable store written by another process that is then killed with SIGKILL. */
class KillNineTest {

    @TempDir
    Path dataDir;

    @Test
    void everyWriteThatReturnedSurvivesKillNineAndTheLockHoldsAcrossProcesses() throws Exception {
        int puts = 50;
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                DurableWriterProcess.class.getName(), dataDir.toString(), Integer.toString(puts))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<Integer, Long> revisions = new HashMap<>();
        long leaseId = 0;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.equals("READY")) {
                String[] words = line.split(" ");
                if (words[0].equals("LEASE")) {
                    leaseId = Long.parseLong(words[1]);
                } else if (words[0].equals("PUT")) {
                    revisions.put(Integer.parseInt(words[1]), Long.parseLong(words[2]));
                }
            }
            assertThat(line).as("the child got to READY (its stderr is in the test output)").isEqualTo("READY");

            assertThatThrownBy(() -> EmbeddedKvStore.open(dataDir)).isInstanceOf(StoreException.class)
                    .hasMessageContaining("in use").hasMessageContaining("another flotilla process");
        } finally {
            child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no close
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(child.exitValue()).isEqualTo(137);

        try (EmbeddedKvStore store = EmbeddedKvStore.open(dataDir)) {
            List<KeyValue> kvs = store.range("crash/").kvs();
            assertThat(kvs).hasSize(puts);
            for (KeyValue kv : kvs) {
                int i = Integer.parseInt(kv.key().substring("crash/".length()));
                assertThat(kv.valueAsString()).isEqualTo("value " + i);
                assertThat(kv.modRevision()).isEqualTo(revisions.get(i));
                assertThat(kv.lease()).isEqualTo(i % 2 == 0 ? leaseId : 0);
            }
            assertThat(store.range("").revision()).isEqualTo(revisions.get(puts - 1));
            assertThat(store.leaseTimeToLive(leaseId)).isPresent();
        }
    }
}
