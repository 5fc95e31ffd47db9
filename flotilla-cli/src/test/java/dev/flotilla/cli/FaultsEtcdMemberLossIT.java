package dev.flotilla.cli;

import static dev.flotilla.cli.AgentProcessCluster.PATIENCE;
import static dev.flotilla.cli.AgentProcessCluster.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.flotilla.api.UnitState;
import dev.flotilla.testkit.EtcdServer;

/**
 * A 3-member etcd ({@code EtcdCluster}) under agents given every member's endpoint, and its leader killed and
 * restarted while units are being started: no unit, desired state or unit state is lost, the units that ran
 * before keep their machines and processes (nothing is rescheduled or restarted needlessly), no agent fences, the
 * units started meanwhile all run once, and the restarted member catches up. docs/faults.md.
 */
class FaultsEtcdMemberLossIT {

    private static final Duration TTL = Duration.ofSeconds(5);
    private static final int STEADY = 6;
    private static final int BURST = 6;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private static AgentProcessCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = AgentProcessCluster.start("faults-etcd-members", "127.0.15", TTL, 3,
                AgentSpec.named("a"), AgentSpec.named("b"), AgentSpec.named("c"));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theEtcdLeaderKilledAndRestartedWhileUnitsStartLosesNothingAndMovesNothing() throws Exception {
        String steady = FaultsSupport.startWebUnits(cluster, STEADY);
        Map<String, AgentProcess> placedBefore = FaultsSupport.placements(cluster);
        Map<String, Long> pidsBefore = FaultsSupport.pids(cluster, steady);
        String burst = cluster.newMarker();
        cluster.unitFile("burst@.service", "[Service]\nExecStart=/bin/sleep " + burst + "%i\n");
        List<String> fencesBefore = cluster.agents().stream().map(a -> a.errors()).toList();

        EtcdServer leader = leader();
        CompletableFuture<CliProcess.Result> first = CompletableFuture.supplyAsync(() -> cluster.cli(start(1, BURST / 2)));
        await("the first start is under way").atMost(PATIENCE).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                .until(() -> first.isDone() || cluster.api().units().stream().anyMatch(u -> u.name().startsWith("burst@")));
        boolean firstDoneAtKill = first.isDone();
        long killedAt = System.nanoTime();
        leader.kill();
        CliProcess.Result firstResult = first.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        CliProcess.Result second = cluster.cli(start(BURST / 2 + 1, BURST));
        leader.start();
        long restartedAt = System.nanoTime();
        System.out.printf("FaultsEtcdMemberLossIT: leader %s was down %.2f s (the first start %s when it was killed); the "
                + "starts said %d and %d%n", leader.name(), (restartedAt - killedAt) / 1e9,
                firstDoneAtKill ? "had returned" : "was under way", firstResult.exitCode(), second.exitCode());
        assertThat(firstResult.exitCode()).as("start while the etcd leader dies: %s", firstResult).isZero();
        assertThat(second.exitCode()).as("start while a member is down: %s", second).isZero();

        await("every unit runs").atMost(PATIENCE).ignoreExceptions().until(() -> {
            List<UnitState> states = cluster.api().states(null, null);
            return states.size() == STEADY + BURST && states.stream().allMatch(UnitState::isLoadedAndActive);
        });
        // Desired states: every unit as submitted, launched.
        List<List<String>> files = rows(cluster.cli("list-unit-files", "--no-legend", "--fields", "unit,dstate"));
        assertThat(files).filteredOn(r -> !r.getFirst().endsWith("@.service"))
                .hasSize(STEADY + BURST).allSatisfy(r -> assertThat(r.get(1)).as(r.toString()).isEqualTo("launched"));
        // Nothing that ran before was moved or restarted; every unit runs once, where list-units says.
        Map<String, AgentProcess> placedAfter = FaultsSupport.placements(cluster);
        placedBefore.forEach((unit, agent) -> assertThat(placedAfter.get(unit)).as("%s stayed", unit).isEqualTo(agent));
        assertThat(FaultsSupport.pids(cluster, steady)).as("the same processes").isEqualTo(pidsBefore);
        List<AgentProcess> runs = new ArrayList<>();
        for (AgentProcessCluster.UnitProcess p : cluster.unitProcesses(burst)) {
            String unit = "burst@" + p.marker().substring(burst.length()) + ".service";
            assertThat(p.agent()).as("%s runs where list-units says", unit).isEqualTo(placedAfter.get(unit));
            runs.add(p.agent());
        }
        assertThat(runs).as("each burst unit runs once").hasSize(BURST);
        for (int i = 0; i < cluster.agents().size(); i++) {
            AgentProcess agent = cluster.agents().get(i);
            assertThat(agent.errors().substring(fencesBefore.get(i).length())).as("%s did not fence", agent)
                    .doesNotContain("fences its units");
        }
        // The restarted member caught up: it holds every unit record the others hold (a serializable read of each).
        long expected = unitKeys(cluster.etcdCluster().endpoints().stream().filter(e -> !e.equals(leader.endpoint()))
                .findFirst().orElseThrow());
        assertThat(expected).as("unit records in etcd").isGreaterThanOrEqualTo(STEADY + BURST);
        await("the restarted member caught up").atMost(PATIENCE).ignoreExceptions()
                .until(() -> unitKeys(leader.endpoint()) == expected);
    }

    private static String[] start(int from, int to) {
        List<String> args = new ArrayList<>(List.of("start"));
        for (int i = from; i <= to; i++) {
            args.add("burst@" + i);
        }
        return args.toArray(String[]::new);
    }

    /** The member that leads, as the members' status says. */
    private static EtcdServer leader() {
        EtcdServer[] found = new EtcdServer[1];
        await("an etcd leader").atMost(PATIENCE).ignoreExceptions().until(() -> {
            for (int i = 0; i < cluster.etcdCluster().size(); i++) {
                EtcdServer member = cluster.etcdCluster().member(i);
                String status = post(member.endpoint(), "/v3/maintenance/status", "{}");
                Matcher id = Pattern.compile("\"member_id\":\"(\\d+)\"").matcher(status);
                Matcher leader = Pattern.compile("\"leader\":\"(\\d+)\"").matcher(status);
                if (id.find() && leader.find() && id.group(1).equals(leader.group(1))) {
                    found[0] = member;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** How many keys the member holds under the registry's units prefix (a serializable read of that member). */
    private static long unitKeys(String endpoint) throws IOException, InterruptedException {
        String body = "{\"key\":\"" + b64("/flotilla/units/") + "\",\"range_end\":\"" + b64("/flotilla/units0")
                + "\",\"count_only\":true,\"serializable\":true}";
        Matcher count = Pattern.compile("\"count\":\"(\\d+)\"").matcher(post(endpoint, "/v3/kv/range", body));
        return count.find() ? Long.parseLong(count.group(1)) : 0;
    }

    private static String post(String endpoint, String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(endpoint + path))
                .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
