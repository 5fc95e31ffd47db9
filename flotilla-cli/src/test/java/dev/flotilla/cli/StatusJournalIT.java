package dev.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.flotilla.api.DesiredState;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.Unit;
import dev.flotilla.daemon.DevCluster;
import dev.flotilla.testkit.WorkDirs;

/**
 * {@code flotilla status} and {@code flotilla journal} as a user runs them (the packaged jar), pointed at the
 * first machine of an in-JVM three-machine {@link DevCluster} while the units run on the second.
 */
class StatusJournalIT {

    private static DevCluster cluster;
    private static FleetClient first;
    private static String endpoint;
    private static String secondIp;

    @BeforeAll
    static void start() throws Exception {
        cluster = DevCluster.start(3, WorkDirs.create("status-journal"), 0);
        assertThat(cluster.awaitJoined(Duration.ofSeconds(20))).as("all three machines join").isTrue();
        endpoint = cluster.machines().getFirst().apiUrl().toString();
        secondIp = cluster.machines().get(1).apiUrl().getHost();
        first = new FleetClient(cluster.machines().getFirst().apiUrl(), Duration.ofSeconds(10));
        PinnedUnits.launch(first, "pinned.service", PinnedUnits.sevenLines("Pinned to two", 2));
        PinnedUnits.launch(first, "ticker.service", PinnedUnits.ticker(2));
        await().atMost(PinnedUnits.START).ignoreExceptions().until(() ->
                first.journal("pinned.service", 20).stream().anyMatch(e -> "line 7".equals(e.message())));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static CliProcess.Result cli(String... args) {
        return CliProcess.run(Map.of("FLOTILLA_ENDPOINT", endpoint), args);
    }

    @Test
    void statusPrintsLikeSystemctlWithTheMachineMainPidAndLastLines() {
        CliProcess.Result r = cli("status", "pinned");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("\u25cf pinned.service - Pinned to two");
        assertThat(lines.get(1)).isEqualTo("   Loaded: loaded");
        assertThat(lines.get(2)).matches("   Active: active \\(running\\) since \\w{3} \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC");
        assertThat(lines.get(3)).isEqualTo("  Machine: " + cluster.machines().get(1).machineId().value().substring(0, 8)
                + ".../" + secondIp);
        Matcher pid = Pattern.compile(" Main PID: (\\d+)").matcher(lines.get(4));
        assertThat(pid.matches()).as(lines.get(4)).isTrue();
        assertThat(ProcessHandle.of(Long.parseLong(pid.group(1)))).isPresent();
        assertThat(lines.get(5)).isEmpty();
        assertThat(r.out()).containsPattern(" pinned\\.service\\[[^\\]]+\\]: line 7\n");
    }

    @Test
    void journalPrintsTheLastLinesAsked() {
        CliProcess.Result r = cli("journal", "--lines", "5", "pinned.service");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out().lines().toList()).hasSize(5)
                .allMatch(line -> line.matches("\\w{3} \\d\\d \\d\\d:\\d\\d:\\d\\d [0-9a-f]{8}\\.\\.\\. pinned\\.service\\[[^\\]]+\\]: .*"))
                .anyMatch(line -> line.endsWith("]: line 7"));
    }

    @Test
    void anUnknownUnitIsOneLineAndExit1() {
        for (String command : List.of("status", "journal")) {
            CliProcess.Result r = cli(command, "nope.service");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).isEqualTo("flotilla " + command + ": Unit nope.service does not exist\n");
        }
    }

    @Test
    void aUnitOnNoMachineSaysWhyInStatusAndAgainWhenStartedTwice() throws Exception {
        first.putUnit(Unit.submission("only-submitted.service", List.of(),
                "[Service]\nExecStart=/bin/true\n", DesiredState.INACTIVE));
        CliProcess.Result submitted = cli("status", "only-submitted");
        assertThat(submitted.exitCode()).as(submitted.toString()).isEqualTo(1);
        assertThat(submitted.out()).isEqualTo("\u25cb only-submitted.service\n   Loaded: -\n"
                + "   Active: inactive (submitted; load or start it to place it on a machine)\n");

        PinnedUnits.launch(first, "nowhere.service", "[Service]\nExecStart=/bin/true\n\n[X-Fleet]\nMachineMetadata=region=mars\n");
        await().atMost(PinnedUnits.START).until(() -> first.placement("nowhere.service")
                .map(p -> p.unschedulable().size() == 3).orElse(false));
        CliProcess.Result waiting = cli("status", "nowhere");
        assertThat(waiting.exitCode()).as(waiting.toString()).isEqualTo(1);
        List<String> lines = waiting.out().lines().toList();
        assertThat(lines.subList(0, 4)).containsExactly("\u25cb nowhere.service", "   Loaded: -",
                "   Active: waiting (launched, not placed on any machine yet)", "   Reason: it cannot be scheduled:");
        assertThat(lines.subList(4, lines.size())).hasSize(3)
                .allMatch(line -> line.matches("     [0-9a-f]{8}\\.\\.\\./127\\.0\\.0\\.\\d+: metadata region=mars does not match"));

        CliProcess.Result again = cli("start", "nowhere.service");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.err()).startsWith("Unit nowhere.service is launched but cannot be scheduled yet (still waiting):\n")
                .contains("metadata region=mars does not match");
    }

    @Test
    void followPrintsNewLinesOnceEachUntilStopped() {
        CliProcess.Running follow = CliProcess.start(CliProcess.Options.defaults().env(Map.of("FLOTILLA_ENDPOINT", endpoint)),
                "journal", "-f", "--lines", "1", "ticker.service");
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                assertThat(follow.isAlive()).as("still following; stderr: %s", follow.errSoFar()).isTrue();
                return ticks(follow.outSoFar()).size() >= 8;
            });
        } finally {
            follow.terminate();
        }
        CliProcess.Result done = follow.await();
        List<Integer> ticks = ticks(done.out());
        assertThat(ticks).as(done.toString()).hasSizeGreaterThanOrEqualTo(8);
        for (int i = 1; i < ticks.size(); i++) {
            assertThat(ticks.get(i)).as("tick after %s", ticks.get(i - 1)).isEqualTo(ticks.get(i - 1) + 1);
        }
    }

    private static List<Integer> ticks(String out) {
        return Pattern.compile("ticker\\.service\\[[^\\]]+\\]: tick (\\d+)").matcher(out).results()
                .map(m -> Integer.parseInt(m.group(1))).toList();
    }
}
