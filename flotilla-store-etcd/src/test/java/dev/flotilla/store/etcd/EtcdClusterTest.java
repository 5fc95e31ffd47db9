package dev.flotilla.store.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.flotilla.store.KeyValue;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.TransientStoreException;
import dev.flotilla.testkit.EtcdCluster;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.StatusResponse;

/**
 * A 3-member cluster loses no acknowledged write when its leader is killed (SIGKILL) and restarted
 * while writers keep writing through all three endpoints.
 */
class EtcdClusterTest {
    private static final int WRITES_PER_PHASE = 300;
    private static final int WRITERS = 3;
    private static EtcdCluster cluster;
    private static EtcdKvStore store;

    @BeforeAll
    static void startCluster() throws StoreException {
        cluster = EtcdCluster.start(3);
        store = EtcdKvStore.connect(EtcdConfig.of(cluster.endpoints())
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(5)));
    }

    @AfterAll
    static void stopCluster() {
        if (store != null) {
            store.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyAcknowledgedWriteSurvivesKillingAndRestartingTheLeader() throws Exception {
        String p = "/cluster/" + System.nanoTime() + "/";
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        AtomicLong failed = new AtomicLong();
        AtomicReference<StoreException> unexpected = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            String writerPrefix = p + w + "/";
            writers.add(Thread.ofPlatform().name("cluster-writer-" + w).start(() -> {
                for (int i = 0; !stop.get() && unexpected.get() == null; i++) {
                    String key = writerPrefix + i;
                    String value = "value-" + i;
                    try {
                        store.put(key, value.getBytes(UTF_8));
                        acknowledged.put(key, value);
                    } catch (TransientStoreException e) {
                        failed.incrementAndGet(); // may or may not have been written: not checked
                    } catch (StoreException e) {
                        unexpected.set(e);
                    }
                }
            }));
        }
        try {
            awaitAcknowledged(acknowledged, WRITES_PER_PHASE);
            int leader = leaderIndex();
            cluster.member(leader).kill();
            int atKill = acknowledged.size();
            awaitAcknowledged(acknowledged, atKill + WRITES_PER_PHASE);
            cluster.member(leader).start();
            int atRestart = acknowledged.size();
            awaitAcknowledged(acknowledged, atRestart + WRITES_PER_PHASE);
            System.out.printf("cluster: killed leader m%d after %d acknowledged writes, restarted it after %d;"
                    + " %d acknowledged in all, %d failed transiently%n",
                    leader, atKill, atRestart, acknowledged.size(), failed.get());
        } finally {
            stop.set(true);
            for (Thread writer : writers) {
                writer.join(Duration.ofSeconds(30));
            }
        }
        assertThat(unexpected.get()).isNull();

        for (String endpoint : cluster.endpoints()) {
            try (EtcdKvStore one = EtcdKvStore.connect(EtcdConfig.of(endpoint))) {
                Map<String, String> found = one.range(p).kvs().stream()
                        .collect(Collectors.toMap(KeyValue::key, KeyValue::valueAsString));
                System.out.printf("cluster: %s holds %d keys%n", endpoint, found.size());
                assertThat(found).as("keys read through %s", endpoint).containsAllEntriesOf(acknowledged);
            }
        }
    }

    private static void awaitAcknowledged(Map<String, String> acknowledged, int count) {
        await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= count);
    }

    /** The index of the member that is the raft leader now, as the members report it. */
    private static int leaderIndex() throws Exception {
        try (Client client = Client.builder().endpoints(cluster.endpoints().toArray(String[]::new)).build()) {
            for (int i = 0; i < cluster.size(); i++) {
                StatusResponse status = client.getMaintenanceClient().statusMember(cluster.endpoints().get(i))
                        .get(10, TimeUnit.SECONDS);
                if (status.getHeader().getMemberId() == status.getLeader()) {
                    return i;
                }
            }
        }
        throw new IllegalStateException("no member of " + cluster + " says it is the leader");
    }
}
