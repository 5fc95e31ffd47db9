package dev.flotilla.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class EtcdClusterTest {

    @Test
    void threeMembersReplicateAndAKilledMemberCatchesUpAfterRestart() throws Exception {
        long started = System.nanoTime();
        try (EtcdCluster cluster = EtcdCluster.start(3)) {
            System.out.println("EtcdCluster.start(3) took " + (System.nanoTime() - started) / 1_000_000 + " ms");
            assertThat(cluster.endpoints()).hasSize(3).doesNotHaveDuplicates();
            EtcdGateway.put(cluster.endpoints().get(0), "a", "1");
            assertThat(EtcdGateway.get(cluster.endpoints().get(2), "a")).contains("1");

            cluster.member(1).kill();
            // If m1 led, a write made before the others elect a new leader is dropped by etcd and
            // times out: retry until one gets through.
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> EtcdGateway.put(cluster.endpoints().get(2), "b", "2"));
            cluster.member(1).start();
            assertThat(EtcdGateway.get(cluster.endpoints().get(1), "b")).contains("2");
        }
    }
}
