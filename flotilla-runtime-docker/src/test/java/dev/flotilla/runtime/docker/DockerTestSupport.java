package dev.flotilla.runtime.docker;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

import dev.flotilla.runtime.StartRequest;
import dev.flotilla.runtime.TestWork;
import dev.flotilla.runtime.UnitStatus;
import dev.flotilla.testkit.DockerEngine;
import dev.flotilla.testkit.DockerImages;
import dev.flotilla.unit.MachineFacts;
import dev.flotilla.unit.UnitDefinition;
import dev.flotilla.unit.UnitName;

/**
 * A Docker runtime per test over a fresh state directory, on the machine's one engine, with the locally built
 * busybox image; every container, network and volume a test makes is removed after it. Names carry {@link #id}
 * so that tests running at the same time never share one.
 */
abstract class DockerTestSupport {

    static final Duration BOUND = Duration.ofSeconds(30);

    static String image;

    /** Unique to this test: put it in container, network and volume names. */
    final String id = UUID.randomUUID().toString().substring(0, 8);
    Path stateDir;
    DockerRuntime runtime;
    final List<String> networks = new ArrayList<>();
    final List<String> volumes = new ArrayList<>();
    private final List<DockerRuntime> opened = new ArrayList<>();
    private final List<Path> stateDirs = new ArrayList<>();

    @BeforeAll
    static void buildImage() {
        image = DockerImages.busybox();
    }

    @BeforeEach
    void openRuntime(TestInfo info) throws Exception {
        stateDir = TestWork.dir(getClass().getSimpleName() + "-" + info.getTestMethod().orElseThrow().getName());
        runtime = open(config(stateDir));
    }

    /** The configuration tests open runtimes with: retries a missing engine every half second. */
    DockerRuntimeConfig config(Path dir) {
        return DockerRuntimeConfig.of(dir).withEngineRetry(Duration.ofMillis(500));
    }

    DockerRuntime open(DockerRuntimeConfig config) throws Exception {
        DockerRuntime r = DockerRuntime.open(config);
        opened.add(r);
        stateDirs.add(config.stateDir());
        r.adopt();
        return r;
    }

    @AfterEach
    void cleanUp() {
        try {
            for (UnitStatus s : runtime.statuses()) {
                try {
                    runtime.stop(s.unit()).toCompletableFuture().get(BOUND.toSeconds(), TimeUnit.SECONDS);
                } catch (Exception e) {
                    // removed below in any case
                }
            }
        } finally {
            opened.forEach(DockerRuntime::close);
            stateDirs.forEach(d -> DockerEngine.removeContainersLabelled(ContainerPlan.LABEL_STATE_DIR, d.toString()));
            DockerEngine.removeNetworksAndVolumes(networks, volumes);
        }
    }

    /** A machine with its public address at {@code ip}. */
    static MachineFacts machine(String ip) {
        return MachineFacts.of("5eed5eed5eed5eed5eed5eed5eed5eed", "docker-test", "b007b007b007b007b007b007b007b007")
                .withPublicIp(ip).withPrivateIp(ip);
    }

    static UnitDefinition unit(String name, String text) {
        return UnitDefinition.parse(UnitName.parse(name), text);
    }

    UnitStatus start(UnitDefinition def, MachineFacts machine) throws Exception {
        return runtime.start(new StartRequest(def, machine, Map.of())).toCompletableFuture()
                .get(BOUND.toSeconds(), TimeUnit.SECONDS);
    }

    UnitStatus start(UnitDefinition def) throws Exception {
        return start(def, machine("127.0.0.1"));
    }

    UnitStatus stop(UnitName unit) throws Exception {
        return runtime.stop(unit).toCompletableFuture().get(BOUND.toSeconds(), TimeUnit.SECONDS);
    }

    UnitStatus awaitStatus(UnitName unit, Predicate<UnitStatus> condition) {
        await().atMost(BOUND).until(() -> runtime.status(unit).filter(condition).isPresent());
        return runtime.status(unit).orElseThrow();
    }

    String journal(UnitName unit) throws Exception {
        StringBuilder b = new StringBuilder();
        runtime.journal(unit, 10_000).forEach(e -> b.append(e.message()).append('\n'));
        return b.toString();
    }

    String awaitJournal(UnitName unit, String text) {
        await().atMost(BOUND).until(() -> journal(unit).contains(text));
        try {
            return journal(unit);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code name-<id>}: a network this test uses, removed after it. */
    String network(String name) {
        String n = name + "-" + id;
        networks.add(n);
        return n;
    }

    /** {@code name-<id>}: a volume this test uses, removed after it. */
    String volume(String name) {
        String v = name + "-" + id;
        volumes.add(v);
        return v;
    }
}
