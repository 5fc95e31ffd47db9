package dev.flotilla.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flotilla.engine.EngineStatus.Role;
import dev.flotilla.registry.Leadership;
import dev.flotilla.registry.RegistryException;
import dev.flotilla.store.KvStore;
import dev.flotilla.store.StoreException;
import dev.flotilla.store.etcd.EtcdConfig;
import dev.flotilla.store.etcd.EtcdKvStore;
import dev.flotilla.testkit.EtcdServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The leader through a real etcd outage: paused while SUSPENDED, deposed once LOST, leading again after. */
class EtcdOutageTest extends EngineTestBase {

    /** Short, so that the outage turns LOST quickly; requests fail fast while etcd is down. */
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(3);

    private static EtcdServer server;
    private static EtcdKvStore store;

    @BeforeAll
    static void start() throws StoreException {
        server = EtcdServer.startNew();
        store = EtcdKvStore.connect(EtcdConfig.of(server.endpoint())
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), SESSION_TIMEOUT));
    }

    @AfterAll
    static void stop() {
        if (store != null) {
            store.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Override
    KvStore store() {
        return store;
    }

    @Test
    void theLeaderPausesWhileEtcdIsDownStepsDownWhenLostAndLeadsAgainAfter() throws StoreException, RegistryException {
        Engine leader = engine(machine());
        List<Role> roles = new CopyOnWriteArrayList<>();
        leader.addListener(new EngineListener() {
            @Override
            public void passCompleted(PassReport report) {
            }

            @Override
            public void roleChanged(Role role, Optional<Leadership> who) {
                roles.add(role);
            }
        });
        awaitLeader(leader);
        Leadership term = leader.status().leader().orElseThrow();
        start("a.service");
        awaitPlaced(1);
        long passes = leader.status().passes();

        server.stop();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> leader.status().role() == Role.PAUSED);
            await().atMost(SESSION_TIMEOUT.plusSeconds(10)).until(() -> leader.status().role() == Role.FOLLOWING);
            assertThat(leader.status().passes()).as("no pass while the store was away").isEqualTo(passes);
        } finally {
            server.start();
        }

        awaitLeader(leader);
        start("b.service");
        awaitPlaced(2);
        // The lease outlived the short outage (etcd extends leases when it comes back), so did its term.
        assertThat(leader.status().leader()).contains(term);
        assertThat(roles).containsSubsequence(Role.PAUSED, Role.FOLLOWING, Role.LEADING);
    }
}
