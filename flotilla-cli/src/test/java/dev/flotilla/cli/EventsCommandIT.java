package dev.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.flotilla.testkit.EtcdServer;
import dev.flotilla.testkit.FreePorts;
import dev.flotilla.testkit.WorkDirs;

/**
 * {@code flotilla events} against two agent processes on a real etcd: each agent serves the stream from its own
 * watch, with the same events under the same IDs; a follower prints a unit's decisions and states as they happen,
 * and when its agent restarts it says so, reconnects, and goes on.
 */
class EventsCommandIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern API_LINE = Pattern.compile("(?m)^API: (https?://\\S+)$");
    private static final String TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ ";
    private static final String MACHINE = "[0-9a-f]{8}\\.\\.\\./127\\.0\\.0\\.3[12]";

    private static CliProcess.Running agent(Path dir, EtcdServer etcd, String ip, int port, String data) {
        CliProcess.Running a = CliProcess.start(CliProcess.Options.defaults().in(dir), "agent", "--etcd", etcd.endpoint(),
                "--ip", ip, "--api", ip + ":" + port, "--data-dir", dir.resolve(data).toString());
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            assertThat(a.isAlive()).as("the agent runs; stderr: %s", a.errSoFar()).isTrue();
            return API_LINE.matcher(a.outSoFar()).find();
        });
        return a;
    }

    private static CliProcess.Result cli(Path dir, String endpoint, String... args) {
        return CliProcess.run(CliProcess.Options.defaults().in(dir).env(Map.of("FLOTILLA_ENDPOINT", endpoint)), args);
    }

    private static List<JsonNode> json(String out) {
        return out.lines().map(line -> {
            try {
                return JSON.readTree(line);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + line, e);
            }
        }).toList();
    }

    @Test
    void everyAgentStreamsTheSameEventsAndAFollowerSurvivesItsAgentsRestart() throws Exception {
        Path dir = WorkDirs.create("events-cli");
        String marker = "4646" + ThreadLocalRandom.current().nextInt(100_000, 999_999);
        Files.writeString(dir.resolve("hello.service"), "[Service]\nExecStart=/bin/sleep " + marker + "\n");
        int portA = FreePorts.next();
        int portB = FreePorts.next();
        String a = "http://127.0.0.31:" + portA;
        String b = "http://127.0.0.32:" + portB;
        try (EtcdServer etcd = EtcdServer.startNew()) {
            CliProcess.Running agentA = agent(dir, etcd, "127.0.0.31", portA, "a");
            CliProcess.Running agentB = agent(dir, etcd, "127.0.0.32", portB, "b");
            CliProcess.Running follower = null;
            try {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> cli(dir, a, "list-machines", "--no-legend").out().lines().count() == 2);
                // Following B while A is asked: B reports what the engine (wherever it leads) decided.
                follower = CliProcess.start(CliProcess.Options.defaults().in(dir), "events", "-f", "--json",
                        "--unit", "hello", "--endpoint", b);
                CliProcess.Result start = cli(dir, a, "start", "hello.service");
                assertThat(start.exitCode()).as(start.toString()).isZero();

                CliProcess.Running f = follower;
                await().atMost(Duration.ofSeconds(30)).until(() -> json(f.outSoFar()).stream()
                        .anyMatch(e -> e.get("type").asText().equals("state")
                                && e.get("fields").get("active").asText().equals("active")));
                List<JsonNode> followed = json(follower.outSoFar());
                assertThat(followed).extracting(e -> e.get("type").asText()).startsWith("submitted")
                        .contains("assigned").endsWith("state");
                assertThat(followed).allMatch(e -> e.get("unit").asText().equals("hello.service"));

                // B's metrics, scraped from the agent process: the unit B's agent holds, and its lease renewals.
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    java.net.http.HttpResponse<String> metrics = java.net.http.HttpClient.newHttpClient().send(
                            java.net.http.HttpRequest.newBuilder(java.net.URI.create(b + "/metrics")).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
                    assertThat(metrics.statusCode()).isEqualTo(200);
                    assertThat(metrics.body()).containsPattern("(?m)^flotilla_units\\{state=\"active\"} [01]\\.0$")
                            .containsPattern("(?m)^flotilla_lease_renewals_total\\{result=\"ok\"} [1-9]")
                            .containsPattern("(?m)^flotilla_store_requests_seconds_count\\{op=\"watch\",outcome=\"ok\"} [1-9]");
                });

                // A's own watch: the same events, IDs and all; and for people, one line each.
                CliProcess.Result kept = cli(dir, a, "events", "--json", "--unit", "hello.service");
                assertThat(kept.exitCode()).as(kept.toString()).isZero();
                assertThat(json(kept.out())).extracting(e -> e.get("id").asText() + " " + e.get("type").asText())
                        .containsAll(followed.stream().map(e -> e.get("id").asText() + " " + e.get("type").asText()).toList());
                CliProcess.Result human = cli(dir, a, "events", "--unit", "hello.service");
                assertThat(human.out().lines()).anyMatch(l -> l.matches(TIME + "hello\\.service submitted \\(\\w+, [0-9a-f]{7}\\)"))
                        .anyMatch(l -> l.matches(TIME + "hello\\.service assigned to " + MACHINE + " \\(least loaded\\)"))
                        .anyMatch(l -> l.matches(TIME + "hello\\.service on " + MACHINE + ": active/running( \\(was .*\\))?"));

                // B restarts (same address, same data): the follower says it lost B, reconnects, and goes on.
                agentB.terminate();
                agentB.await();
                await().atMost(Duration.ofSeconds(30)).until(() -> f.errSoFar().contains("lost the API at " + b)
                        || f.errSoFar().contains("the API at " + b + " ended the stream"));
                agentB = agent(dir, etcd, "127.0.0.32", portB, "b");
                await().atMost(Duration.ofSeconds(30)).until(() -> f.errSoFar().contains("reconnected to " + b));
                CliProcess.Result stop = cli(dir, a, "stop", "hello.service");
                assertThat(stop.exitCode()).as(stop.toString()).isZero();
                await().atMost(Duration.ofSeconds(30)).until(() -> json(f.outSoFar()).stream()
                        .anyMatch(e -> e.get("type").asText().equals("desired")
                                && e.get("fields").get("desiredState").asText().equals("loaded")));
                assertThat(follower.isAlive()).isTrue();
                // The restarted agent kept no event from before its start: the follower is told some may be missing.
                assertThat(follower.errSoFar()).contains("some are missing");
            } finally {
                if (follower != null) {
                    follower.terminate();
                    follower.await();
                }
                cli(dir, a, "destroy", "hello.service");
                agentA.terminate();
                agentB.terminate();
                agentA.await();
                agentB.await();
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.allProcesses()
                .noneMatch(p -> p.info().commandLine().map(c -> c.contains("sleep " + marker)).orElse(false)));
    }

    @Test
    void badFiltersAreOneLineAndExitTwo() {
        CliProcess.Result type = CliProcess.run("events", "--type", "nope", "--endpoint", "http://127.0.0.1:1");
        assertThat(type.exitCode()).isEqualTo(2);
        assertThat(type.err()).startsWith("flotilla events: --type nope is not an event type; known: assigned,");
        CliProcess.Result unreachable = CliProcess.run("events", "--endpoint", "http://127.0.0.1:" + FreePorts.next());
        assertThat(unreachable.exitCode()).isEqualTo(2);
        assertThat(unreachable.err()).startsWith("flotilla events: cannot connect to the API at");
    }
}
