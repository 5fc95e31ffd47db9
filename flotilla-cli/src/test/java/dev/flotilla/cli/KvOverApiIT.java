package dev.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import dev.flotilla.testkit.WorkDirs;

/**
 * {@code flotilla kv ... --endpoint URL} against a dev cluster (which has no etcd), run as separate processes:
 * the same commands and output as with {@code --etcd}, TTLs, prefixes, and the seed's sidekick pattern as a unit
 * that keeps {@code /services/web/...} alive with {@code kv put --ttl} in a loop.
 */
class KvOverApiIT {

    private static final Pattern API_LINE = Pattern.compile("(?m)^API: (https?://\\S+)$");

    private static Path dir;
    private static CliProcess.Running dev;
    private static String endpoint;
    private String p;

    @BeforeAll
    static void startDevCluster() throws Exception {
        dir = WorkDirs.create("kv-over-api");
        dev = CliProcess.start(CliProcess.Options.defaults().in(dir), "dev", "--machines", "2", "--api-port", "0",
                "--data-dir", dir.resolve("data").toString());
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            assertThat(dev.isAlive()).as("dev mode runs; stderr: %s", dev.errSoFar()).isTrue();
            return API_LINE.matcher(dev.outSoFar()).results().count() >= 2;
        });
        Matcher m = API_LINE.matcher(dev.outSoFar());
        assertThat(m.find()).isTrue();
        endpoint = m.group(1);
    }

    @AfterAll
    static void stopDevCluster() {
        if (dev != null) {
            dev.terminate();
            dev.await();
        }
    }

    @BeforeEach
    void prefix(TestInfo info) {
        p = "/kv-over-api/" + info.getTestMethod().orElseThrow().getName() + "/";
    }

    private static CliProcess.Result kv(String... args) {
        List<String> all = new ArrayList<>(List.of("kv"));
        all.addAll(List.of(args));
        all.addAll(List.of("--endpoint", endpoint));
        return CliProcess.run(CliProcess.Options.defaults().in(dir), all.toArray(String[]::new));
    }

    @Test
    void getPutLsAndRmAnswerAsTheyDoAgainstEtcd() {
        CliProcess.Result put = kv("put", p + "b", "2");
        assertThat(put.exitCode()).as(put.toString()).isZero();
        assertThat(put.out()).isEqualTo("OK\n");
        assertThat(kv("set", p + "a", "1").out()).as("etcdctl's name for put").isEqualTo("OK\n");
        assertThat(kv("put", p.substring(1) + "c/d", "3").exitCode()).as("a key without its leading /").isZero();

        assertThat(kv("get", p + "a").out()).isEqualTo("1\n");
        assertThat(kv("ls", p).out()).isEqualTo(p + "a\n" + p + "b\n" + p + "c/d\n");
        assertThat(kv("get", "--prefix", p).out()).isEqualTo(p + "a\t1\n" + p + "b\t2\n" + p + "c/d\t3\n");

        CliProcess.Result missing = kv("get", p + "nope");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("flotilla kv get: key " + p + "nope not found\n");

        assertThat(kv("rm", p + "a").out()).isEqualTo("Deleted 1 key\n");
        assertThat(kv("rm", p + "a").exitCode()).isEqualTo(1);
        assertThat(kv("rm", "--prefix", p).out()).isEqualTo("Deleted 2 keys\n");
        assertThat(kv("ls", p).out()).isEmpty();
    }

    @Test
    void aKeyWithATtlVanishes() {
        CliProcess.Result put = kv("put", p + "ephemeral", "soon gone", "--ttl", "8");
        assertThat(put.exitCode()).as(put.toString()).isZero();
        // 8 s: long enough for one more CLI JVM to start on a loaded 2-core machine and still see the key.
        assertThat(kv("get", p + "ephemeral").out()).isEqualTo("soon gone\n");
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500))
                .until(() -> kv("get", p + "ephemeral").exitCode() == 1);
    }

    @Test
    void theClustersOwnKeysAndMixedTargetsAreRefusedInOneLine() {
        CliProcess.Result own = kv("put", "/flotilla/units/x.service", "{}");
        assertThat(own.exitCode()).as(own.toString()).isEqualTo(1);
        assertThat(own.err()).startsWith("flotilla kv put: /flotilla/units/x.service is one of the cluster's own keys");
        assertThat(own.err().lines()).hasSize(1);

        CliProcess.Result both = kv("get", p + "x", "--etcd", "http://127.0.0.1:2379");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).isEqualTo("flotilla kv get: give --endpoint (an agent's API) or --etcd (etcd itself), "
                + "not both\n");
    }

    @Test
    void aSidekickUnitKeepsItsServiceKeyAliveUntilItStops() throws Exception {
        String marker = "web" + ThreadLocalRandom.current().nextInt(100_000, 999_999);
        String java = System.getProperty("flotilla.java", "java");
        Path jar = Path.of(System.getProperty("flotilla.jar", "target/flotilla.jar")).toAbsolutePath();
        // The seed's monweb@.service, with flotilla kv in place of etcdctl set: every 3 s, with a TTL of 10 s.
        String kvPut = java + " -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar " + jar
                + " kv put --endpoint $$FLOTILLA_ENDPOINT --ttl 10 /services/" + marker;
        Files.writeString(dir.resolve("monweb.service"), """
                [Service]
                ExecStart=/bin/sh -c 'while true; do PUT/host $$(hostname) && PUT/public_ipv4_addr ${COREOS_PUBLIC_IPV4}; sleep 3; done'
                """.replace("PUT", kvPut));
        Map<String, String> client = Map.of("FLOTILLA_ENDPOINT", endpoint);
        CliProcess.Result start = CliProcess.run(CliProcess.Options.defaults().in(dir).env(client), "start",
                "monweb.service");
        assertThat(start.exitCode()).as(start.toString()).isZero();
        Matcher on = Pattern.compile("launched on [0-9a-f]{8}\\.\\.\\./(127\\.0\\.0\\.\\d+)").matcher(start.out());
        assertThat(on.find()).as(start.out()).isTrue();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            CliProcess.Result keys = kv("get", "--prefix", "/services/" + marker + "/");
            assertThat(keys.out()).as(keys.toString()).contains("/services/" + marker + "/public_ipv4_addr\t" + on.group(1))
                    .contains("/services/" + marker + "/host\t");
        });

        CliProcess.Result stop = CliProcess.run(CliProcess.Options.defaults().in(dir).env(client), "stop",
                "monweb.service");
        assertThat(stop.exitCode()).as(stop.toString()).isZero();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> kv("ls", "/services/" + marker + "/").out().isEmpty());
        CliProcess.run(CliProcess.Options.defaults().in(dir).env(client), "destroy", "monweb.service");
    }
}
