package dev.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import dev.flotilla.testkit.EtcdServer;
import dev.flotilla.testkit.FreePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** {@code flotilla kv} against a real etcd, run as a separate process like a user would. */
class KvCommandIT {

    private static EtcdServer etcd;
    private String p;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdServer.startNew();
    }

    @AfterAll
    static void stopEtcd() {
        etcd.close();
    }

    @BeforeEach
    void prefix(TestInfo info) {
        p = "/cli-it/" + info.getTestMethod().orElseThrow().getName() + "/";
    }

    private CliProcess.Result kv(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "kv";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--etcd";
        all[args.length + 2] = etcd.endpoint();
        return CliProcess.run(all);
    }

    @Test
    void putThenGetPrintsTheValue() {
        CliProcess.Result put = kv("put", p + "greeting", "hello world");
        assertThat(put.exitCode()).as(put.toString()).isZero();
        assertThat(put.out()).isEqualTo("OK\n");
        CliProcess.Result get = kv("get", p + "greeting");
        assertThat(get.exitCode()).as(get.toString()).isZero();
        assertThat(get.out()).isEqualTo("hello world\n");
        assertThat(get.err()).isEmpty();
    }

    @Test
    void getOfAMissingKeySaysSoAndExitsOne() {
        CliProcess.Result get = kv("get", p + "missing");
        assertThat(get.exitCode()).isEqualTo(1);
        assertThat(get.out()).isEmpty();
        assertThat(get.err()).isEqualTo("flotilla kv get: key " + p + "missing not found\n");
    }

    @Test
    void lsListsKeysUnderThePrefixSortedAndGetPrefixPrintsValues() {
        kv("put", p + "b", "2");
        kv("put", p + "a", "1");
        kv("put", p + "c/d", "3");
        kv("put", "/cli-it-outside", "x");
        CliProcess.Result ls = kv("ls", p);
        assertThat(ls.exitCode()).as(ls.toString()).isZero();
        assertThat(ls.out()).isEqualTo(p + "a\n" + p + "b\n" + p + "c/d\n");
        CliProcess.Result get = kv("get", "--prefix", p);
        assertThat(get.out()).isEqualTo(p + "a\t1\n" + p + "b\t2\n" + p + "c/d\t3\n");
    }

    @Test
    void rmDeletesAKeyAndRmPrefixDeletesEveryKeyUnderIt() {
        kv("put", p + "one", "1");
        kv("put", p + "dir/a", "a");
        kv("put", p + "dir/b", "b");
        CliProcess.Result rm = kv("rm", p + "one");
        assertThat(rm.exitCode()).as(rm.toString()).isZero();
        assertThat(rm.out()).isEqualTo("Deleted 1 key\n");
        assertThat(kv("get", p + "one").exitCode()).isEqualTo(1);
        CliProcess.Result again = kv("rm", p + "one");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("not found");
        CliProcess.Result rmPrefix = kv("rm", "--prefix", p + "dir/");
        assertThat(rmPrefix.out()).isEqualTo("Deleted 2 keys\n");
        assertThat(kv("ls", p).out()).isEmpty();
    }

    @Test
    void putWithTtlMakesTheKeyVanish() {
        CliProcess.Result put = kv("put", p + "ephemeral", "soon gone", "--ttl", "8");
        assertThat(put.exitCode()).as(put.toString()).isZero();
        // 8 s: long enough for one more CLI JVM to start on a loaded 2-core machine and still see the key.
        assertThat(kv("get", p + "ephemeral").out()).isEqualTo("soon gone\n");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> kv("get", p + "ephemeral").exitCode() == 1);
    }

    @Test
    void badTtlIsOneLineAndExitTwoAndWritesNothing() {
        for (String ttl : new String[] {"abc", "0", "-5", "1.5"}) {
            CliProcess.Result put = kv("put", p + "k", "v", "--ttl", ttl);
            assertThat(put.exitCode()).as(put.toString()).isEqualTo(2);
            assertThat(put.err().lines()).as(put.toString()).hasSize(1);
            assertThat(put.err()).contains("--ttl").contains(ttl);
        }
        assertThat(kv("get", p + "k").exitCode()).isEqualTo(1);
    }

    @Test
    void unknownFlagIsOneLineAndExitTwo() {
        CliProcess.Result result = kv("get", p + "k", "--bogus");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err().lines()).as(result.toString()).hasSize(1);
        assertThat(result.err()).startsWith("flotilla kv get: ").contains("--bogus");
    }

    @Test
    void unreachableEtcdIsOneLineAndExitTwo() {
        String nowhere = "http://127.0.0.1:" + FreePorts.next();
        CliProcess.Result result = CliProcess.run("kv", "get", p + "k", "--etcd", nowhere, "--timeout", "2");
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.err().lines()).as(result.toString()).hasSize(1);
        assertThat(result.err()).startsWith("flotilla kv get: ").contains(nowhere);
    }

    @Test
    void endpointComesFromTheEnvironmentWhenNotGiven() {
        CliProcess.run(Map.of("FLOTILLA_ETCD", etcd.endpoint()), "kv", "put", p + "env", "from env");
        CliProcess.Result get = CliProcess.run(Map.of("FLOTILLA_ETCD", etcd.endpoint()), "kv", "get", p + "env");
        assertThat(get.out()).as(get.toString()).isEqualTo("from env\n");
    }
}
