package dev.flotilla.agent;

import static dev.flotilla.agent.TestCluster.BOUND;
import static dev.flotilla.agent.TestCluster.pid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import dev.flotilla.registry.DesiredState;
import dev.flotilla.registry.ServiceEndpoint;
import dev.flotilla.registry.ServiceHealth;
import dev.flotilla.registry.ServiceSnapshot;
import dev.flotilla.testkit.FreePorts;

/**
 * Service endpoints as the agent keeps them, with real backends (busybox httpd on 127.0.0.x, shell
 * checks): registration follows start, stop and crash; checks flip health both ways; DeregisterAfter;
 * the graceful drain's order; endpoints go with the machine's lease and come back on the new one.
 */
abstract class ServiceEndpointsContract {

    private static final String IP = "127.0.0.2";

    private TestCluster cluster;
    private Path www;
    private int port;
    private final List<Timed> seen = Collections.synchronizedList(new ArrayList<>());
    private AutoCloseable watch;

    /** A snapshot of service {@code web} and when (epoch nanos) the test saw it. */
    record Timed(ServiceSnapshot snapshot, long atNanos) { }

    abstract TestCluster newCluster(String name);

    @BeforeEach
    void cluster(TestInfo info) throws Exception {
        cluster = newCluster(info.getTestMethod().orElseThrow().getName());
        www = Files.createDirectories(cluster.work.resolve("www"));
        Files.writeString(www.resolve("health"), "ok\n");
        port = FreePorts.next();
        watch = cluster.registry.services().watch("web", s -> seen.add(new Timed(s, epochNanos())));
    }

    @AfterEach
    void drain() throws Exception {
        watch.close();
        cluster.close();
    }

    private static long epochNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** A web unit serving {@link #www} with busybox httpd, registered as {@code web} with {@code service} lines added. */
    private String web(String service) {
        return "[Service]\nExecStart=/bin/busybox httpd -f -p " + IP + ":" + port + " -h " + www + "\n"
                + "ExecStop=/bin/sh -c 'date +%%s%%N > " + www.resolve("stopped-at") + "'\n"
                + "\n[X-Service]\nName=web\nPort=" + port + "\nTags=v1\nCheckTimeout=10s\n" + service;
    }

    private List<ServiceEndpoint> endpoints() throws Exception {
        return cluster.registry.services().ofService("web").endpoints();
    }

    /**
     * Waits until exactly one endpoint is registered and it matches, and returns it. Reads the list once per try:
     * it may change between two reads (an endpoint withdrawn and registered again).
     */
    private ServiceEndpoint awaitOne(Predicate<ServiceEndpoint> matches) {
        AtomicReference<ServiceEndpoint> found = new AtomicReference<>();
        await().atMost(BOUND).until(() -> {
            List<ServiceEndpoint> now = endpoints();
            if (now.size() == 1 && matches.test(now.getFirst())) {
                found.set(now.getFirst());
                return true;
            }
            return false;
        });
        return found.get();
    }

    private ServiceEndpoint awaitHealth(ServiceHealth health) {
        return awaitOne(e -> e.health() == health);
    }

    private void awaitGone() {
        await().atMost(BOUND).until(() -> endpoints().isEmpty());
    }

    @Test
    void registrationFollowsStartStopAndCrash() throws Exception {
        Agent a = cluster.start(IP);
        cluster.launch("web.service", web("CheckHTTP=/health\nCheckInterval=200ms\n"), a);

        ServiceEndpoint e = awaitHealth(ServiceHealth.PASSING);
        assertThat(e.unit().name()).isEqualTo("web.service");
        assertThat(e.machineId()).isEqualTo(a.machineId());
        assertThat(e.address()).isEqualTo(IP);
        assertThat(e.port()).isEqualTo(port);
        assertThat(e.tags()).containsExactly("v1");
        assertThat(e.output()).contains("HTTP 200");
        // It was registered critical first: nobody was sent to a process not yet checked.
        assertThat(seen).anySatisfy(t -> assertThat(t.snapshot().endpoints()).singleElement()
                .satisfies(x -> assertThat(x.output()).contains("not checked yet")));

        // An idle, healthy endpoint is not rewritten by its checks (5 per second here).
        long revision = cluster.revision();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> cluster.revision() == revision);

        cluster.setState("web.service", DesiredState.LOADED);
        awaitGone();
        cluster.setState("web.service", DesiredState.LAUNCHED);
        long running = pid(cluster.awaitState("web.service", a, "active/running"));
        awaitHealth(ServiceHealth.PASSING);

        // A crash: the unit fails, its endpoint goes (not merely critical: the unit is no longer active).
        ProcessHandle.of(running).orElseThrow().destroyForcibly();
        cluster.awaitState("web.service", a, "failed/failed");
        awaitGone();
    }

    @Test
    void checksFlipHealthBothWaysAndABodyDigestMustMatch() throws Exception {
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                .digest("ok\n".getBytes(StandardCharsets.UTF_8)));
        Agent a = cluster.start(IP);
        cluster.launch("web.service", web("CheckHTTP=/health\nCheckInterval=200ms\nCheckExpectBodySHA1=" + digest
                + "\n"), a);
        ServiceEndpoint passing = awaitHealth(ServiceHealth.PASSING);
        assertThat(passing.output()).contains("HTTP 200, body SHA-1 matches");

        Files.delete(www.resolve("health"));
        ServiceEndpoint critical = awaitOne(e -> e.output().equals(Optional.of("HTTP 404 is not an expected status")));
        assertThat(critical.health()).isEqualTo(ServiceHealth.CRITICAL);
        assertThat(critical.since()).isAfter(passing.since());

        Files.writeString(www.resolve("health"), "ok\n");
        awaitHealth(ServiceHealth.PASSING);

        Files.writeString(www.resolve("health"), "degraded\n");
        String mismatch = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                .digest("degraded\n".getBytes(StandardCharsets.UTF_8)));
        awaitOne(e -> e.health() == ServiceHealth.CRITICAL && e.output().equals(Optional.of(
                "HTTP 200, but the body's SHA-1 is " + mismatch + ", not the expected " + digest)));
        Files.writeString(www.resolve("health"), "ok\n");
        awaitHealth(ServiceHealth.PASSING);
    }

    @Test
    void commandAndTcpChecks() throws Exception {
        Path code = www.resolve("code");
        Files.writeString(code, "1");
        Agent a = cluster.start(IP);
        cluster.launch("web.service", web("CheckCommand=/bin/sh -c 'echo status $(cat " + code
                + ") of $FLOTILLA_SERVICE at $FLOTILLA_SERVICE_ADDRESS:$FLOTILLA_SERVICE_PORT; exit $(cat " + code
                + ")'\nCheckInterval=200ms\n"), a);
        String where = " of web at " + IP + ":" + port;
        assertThat(awaitHealth(ServiceHealth.WARNING).output()).contains("exit 1: status 1" + where);
        Files.writeString(code, "0");
        assertThat(awaitHealth(ServiceHealth.PASSING).output()).contains("exit 0: status 0" + where);
        Files.writeString(code, "3");
        assertThat(awaitHealth(ServiceHealth.CRITICAL).output()).contains("exit 3: status 3" + where);

        int dbPort = FreePorts.next();
        cluster.launch("db.service", "[Service]\nExecStart=/bin/busybox httpd -f -p " + IP + ":" + dbPort + " -h " + www
                + "\n\n[X-Service]\nName=db\nPort=" + dbPort + "\nCheckTCP=\nCheckInterval=200ms\n", a);
        await().atMost(BOUND).until(() -> cluster.registry.services().ofService("db").endpoints().stream()
                .anyMatch(e -> e.health() == ServiceHealth.PASSING
                        && e.output().orElse("").equals("TCP connect to " + IP + ":" + dbPort + " succeeded")));
    }

    @Test
    void deregisterAfterRemovesACriticalEndpointUntilItPassesAgain() throws Exception {
        Agent a = cluster.start(IP);
        cluster.launch("web.service", web("CheckHTTP=/health\nCheckInterval=200ms\nDeregisterAfter=1s\n"), a);
        awaitHealth(ServiceHealth.PASSING);
        long lease = a.status().leaseId().orElseThrow();

        Files.delete(www.resolve("health"));
        awaitHealth(ServiceHealth.CRITICAL);
        awaitGone();
        assertThat(TestCluster.stateName(cluster.state("web.service", a).orElseThrow()))
                .as("the unit runs on; only its endpoint left (lease %x, now %s)", lease, a.status())
                .isEqualTo("active/running");

        Files.writeString(www.resolve("health"), "ok\n");
        awaitHealth(ServiceHealth.PASSING);
    }

    @Test
    void aStopWithdrawsThePassingEndpointDrainDelayBeforeSignallingTheProcess() throws Exception {
        Agent a = cluster.start(IP);
        cluster.launch("web.service", web("CheckHTTP=/health\nCheckInterval=200ms\nDrainDelay=3s\n"), a);
        awaitHealth(ServiceHealth.PASSING);
        seen.clear();

        cluster.setState("web.service", DesiredState.LOADED);
        cluster.awaitState("web.service", a, "inactive/dead");
        Timed removed;
        synchronized (seen) {
            removed = seen.stream().filter(t -> t.snapshot().endpoints().isEmpty()).findFirst().orElseThrow();
        }
        long stoppedAt = Long.parseLong(Files.readString(www.resolve("stopped-at")).strip());
        assertThat(Duration.ofNanos(stoppedAt - removed.atNanos()))
                .as("the endpoint went first, and the stop waited (most of) the drain delay")
                .isGreaterThan(Duration.ofMillis(1500));
    }

    @Test
    void aReplacedUnitIsWithdrawnBeforeItsRestartAndRegisteredWithItsNewSection() throws Exception {
        Agent a = cluster.start(IP);
        String v1 = web("CheckHTTP=/health\nCheckInterval=200ms\nDrainDelay=500ms\n");
        cluster.launch("web.service", v1, a);
        awaitHealth(ServiceHealth.PASSING);
        seen.clear();

        cluster.replace("web.service", v1.replace("Tags=v1", "Tags=v2"));
        awaitOne(e -> e.tags().equals(List.of("v2")) && e.health() == ServiceHealth.PASSING);
        long stoppedAt = Long.parseLong(Files.readString(www.resolve("stopped-at")).strip());
        synchronized (seen) {
            Timed removed = seen.stream().filter(t -> t.snapshot().endpoints().isEmpty()).findFirst().orElseThrow();
            assertThat(removed.atNanos()).as("withdrawn before the old process was stopped").isLessThan(stoppedAt);
        }
    }

    @Test
    void endpointsGoWithTheLeaseAndComeBackOnTheNewOne() throws Exception {
        Agent a = cluster.start(cluster.config(IP, java.util.Map.of()).withLeaseTtl(Duration.ofSeconds(3)));
        cluster.launch("web.service", web("CheckHTTP=/health\nCheckInterval=200ms\n"), a);
        awaitHealth(ServiceHealth.PASSING);
        long lease = a.status().leaseId().orElseThrow();
        seen.clear();

        cluster.store.revokeLease(lease);
        await().atMost(BOUND).until(() -> {
            synchronized (seen) {
                return seen.stream().anyMatch(t -> t.snapshot().endpoints().isEmpty());
            }
        });
        await().atMost(BOUND).until(() -> a.status().leaseId().isPresent()
                && a.status().leaseId().getAsLong() != lease);
        ServiceEndpoint back = awaitHealth(ServiceHealth.PASSING);
        assertThat(cluster.store.get(cluster.registry.root() + "services/web/web.service/" + a.machineId().value())
                .orElseThrow().lease()).isEqualTo(a.status().leaseId().getAsLong());
        assertThat(back.address()).isEqualTo(IP);
    }
}
