package dev.flotilla.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class EtcdServerTest {

    @Test
    void startsQuicklyServesAndKeepsItsDataAcrossKillAndStart() throws Exception {
        long started = System.nanoTime();
        EtcdServer etcd = EtcdServer.startNew();
        try {
            long millis = (System.nanoTime() - started) / 1_000_000;
            System.out.println("EtcdServer.startNew() took " + millis + " ms");
            assertThat(etcd.endpoint()).matches("http://127\\.0\\.0\\.1:\\d+");
            assertThat(etcd.dataDir()).startsWith(WorkDirs.root());
            EtcdGateway.put(etcd.endpoint(), "k", "v1");

            long firstPid = etcd.pid();
            etcd.kill();
            assertThat(etcd.isRunning()).isFalse();
            assertThatThrownBy(() -> EtcdGateway.get(etcd.endpoint(), "k")).isInstanceOf(IOException.class);
            assertThat(ProcessHandle.of(firstPid).filter(ProcessHandle::isAlive)).isEmpty();

            etcd.start();
            assertThat(etcd.pid()).isNotEqualTo(firstPid);
            assertThat(EtcdGateway.get(etcd.endpoint(), "k")).contains("v1");

            etcd.stop();
            etcd.start();
            assertThat(EtcdGateway.get(etcd.endpoint(), "k")).contains("v1");
            assertThatThrownBy(etcd::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("running");
        } finally {
            etcd.close();
        }
        assertThat(etcd.isRunning()).isFalse();
        assertThat(etcd.dataDir()).doesNotExist();
        assertThat(etcd.logFile()).exists();
    }

    @Test
    void aMissingBinaryFailsWithInstructions() throws IOException {
        Path empty = Files.createDirectories(WorkDirs.create("no-etcd"));
        assertThatThrownBy(() -> EtcdBinary.locate(Map.of("ETCD_BIN", empty.resolve("etcd").toString())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(
                        "etcd not found: run bin/test as root to install etcd-server, or set ETCD_BIN");
    }

    @Test
    void freePortsAreNeverHandedOutTwice() {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            assertThat(ports.add(FreePorts.next())).isTrue();
        }
    }
}
