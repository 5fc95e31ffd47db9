package dev.flotilla.cli;

import static dev.flotilla.cli.AgentProcessCluster.PATIENCE;
import static dev.flotilla.cli.AgentProcessCluster.ok;
import static dev.flotilla.cli.AgentProcessCluster.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.flotilla.cli.AgentProcessCluster.UnitProcess;
import dev.flotilla.unit.ContentHash;

/**
 * fleet's functional scenarios for the unit commands, end to end: the CLI as a user types it, against three real
 * {@code flotilla agent} processes on one etcd, with units that are real processes. The in-JVM ITs (StartStopIT,
 * UnitFilesIT, StatusJournalIT) check the commands' output against a played cluster; these check that the real
 * engine and agents do what the commands say.
 */
class AgentsUnitCommandsIT {

    private static AgentProcessCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = AgentProcessCluster.start("unit-commands", "127.0.3", Duration.ofSeconds(5),
                AgentSpec.named("a"), AgentSpec.named("b"), AgentSpec.named("c"));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void destroyUnits() {
        cluster.destroyAllUnits();
    }

    @Test
    void submitLoadStartStopUnloadStartDestroyEachDoWhatTheySayOnARealMachine() throws Exception {
        String marker = cluster.newMarker();
        String text = "# A unit that goes through every state\n[Unit]\nDescription=Cycle\n\n[Service]\n"
                + "; a continuation line, kept as written\nExecStart=/bin/sleep \\\n    " + marker + "\n";
        cluster.unitFile("cycle.service", text);
        String hash = ContentHash.of(text).shortHex();

        assertThat(ok(cluster.cli("submit", "cycle.service")).out()).isEmpty();
        assertThat(rows(cluster.cli("list-unit-files", "--no-legend")))
                .containsExactly(List.of("cycle.service", hash, "inactive", "inactive", "-"));
        assertThat(cluster.unitProcesses(marker)).isEmpty();

        CliProcess.Result load = ok(cluster.cli("load", "cycle.service"));
        AgentProcess machine = cluster.agentOfLegend(single(load, "Unit cycle.service loaded on (\\S+)"));
        assertThat(rows(cluster.cli("list-units", "--no-legend")))
                .containsExactly(List.of("cycle.service", machine.legend(), "inactive", "dead"));
        assertThat(cluster.unitProcesses(marker)).isEmpty();

        CliProcess.Result start = ok(cluster.cli("start", "cycle.service"));
        assertThat(start.out()).isEqualTo("Unit cycle.service launched on " + machine.legend() + "\n");
        List<UnitProcess> running = cluster.unitProcesses(marker);
        assertThat(running).hasSize(1);
        assertThat(running.getFirst().agent()).isEqualTo(machine);
        assertThat(rows(cluster.cli("list-units", "--no-legend")))
                .containsExactly(List.of("cycle.service", machine.legend(), "active", "running"));
        assertThat(rows(cluster.cli("list-unit-files", "--no-legend")))
                .containsExactly(List.of("cycle.service", hash, "launched", "launched", machine.legend()));
        assertThat(ok(cluster.cli("cat", "cycle.service")).outBytes())
                .as("cat gives back the file as submitted, while a machine runs it")
                .isEqualTo(text.getBytes(StandardCharsets.UTF_8));

        CliProcess.Result stop = ok(cluster.cli("stop", "cycle.service"));
        assertThat(stop.out()).isEqualTo("Unit cycle.service loaded on " + machine.legend() + "\n");
        assertThat(stop.err()).isEqualTo("Successfully stopped units [cycle.service].\n");
        assertThat(ProcessHandle.of(running.getFirst().pid())).as("the unit's process, once stop returned").isEmpty();
        assertThat(rows(cluster.cli("list-units", "--no-legend")))
                .containsExactly(List.of("cycle.service", machine.legend(), "inactive", "dead"));

        CliProcess.Result unload = ok(cluster.cli("unload", "cycle.service"));
        assertThat(unload.out()).isEqualTo("Unit cycle.service inactive\n");
        await().atMost(PATIENCE).until(() -> cluster.api().states(null, null).isEmpty());
        assertThat(rows(cluster.cli("list-units", "--no-legend"))).isEmpty();
        assertThat(rows(cluster.cli("list-unit-files", "--no-legend")))
                .containsExactly(List.of("cycle.service", hash, "inactive", "inactive", "-"));
        assertThat(cluster.unitProcesses(marker)).isEmpty();

        CliProcess.Result again = ok(cluster.cli("start", "cycle.service"));
        AgentProcess second = cluster.agentOfLegend(single(again, "Unit cycle.service launched on (\\S+)"));
        List<UnitProcess> rerun = cluster.unitProcesses(marker);
        assertThat(rerun).hasSize(1);
        assertThat(rerun.getFirst().agent()).isEqualTo(second);
        assertThat(rerun.getFirst().pid()).isNotEqualTo(running.getFirst().pid());

        assertThat(ok(cluster.cli("destroy", "cycle.service")).out()).isEqualTo("Destroyed cycle.service\n");
        await().atMost(PATIENCE).until(() -> cluster.unitProcesses(marker).isEmpty()
                && cluster.api().states(null, null).isEmpty());
        assertThat(rows(cluster.cli("list-unit-files", "--no-legend"))).isEmpty();
        assertThat(rows(cluster.cli("list-units", "--no-legend"))).isEmpty();
    }

    @Test
    void replaceUpdatesAnInactiveUnitOnSubmitALoadedOneOnLoadAndRestartsARunningOneOnStart() throws Exception {
        List<String> markers = List.of(cluster.newMarker(), cluster.newMarker(), cluster.newMarker(), cluster.newMarker());
        List<String> versions = markers.stream().map(m -> "[Service]\nExecStart=/bin/sleep " + m + "\n").toList();

        cluster.unitFile("swap.service", versions.get(0));
        ok(cluster.cli("submit", "swap.service"));
        cluster.unitFile("swap.service", versions.get(1));
        CliProcess.Result plain = ok(cluster.cli("submit", "swap.service"));
        assertThat(plain.err()).contains("WARNING: Unit swap.service in registry differs from local unit file");
        assertThat(ok(cluster.cli("cat", "swap.service")).out()).isEqualTo(versions.get(0));
        ok(cluster.cli("submit", "--replace", "swap.service"));
        assertThat(ok(cluster.cli("cat", "swap.service")).out()).isEqualTo(versions.get(1));

        AgentProcess machine = cluster.agentOfLegend(single(ok(cluster.cli("load", "swap.service")),
                "Unit swap.service loaded on (\\S+)"));
        cluster.unitFile("swap.service", versions.get(2));
        ok(cluster.cli("load", "--replace", "swap.service"));
        assertThat(ok(cluster.cli("cat", "swap.service")).out()).isEqualTo(versions.get(2));
        String v3 = ContentHash.of(versions.get(2)).hex();
        await().atMost(PATIENCE).until(() -> cluster.api().states(null, null).stream()
                .anyMatch(s -> s.hash().equals(v3)));
        assertThat(rows(cluster.cli("list-units", "--no-legend", "--full", "--fields", "unit,machine,hash,active")))
                .as("the machine holds the new file and still does not run it")
                .containsExactly(List.of("swap.service", machine.machineId() + "/" + machine.ip(), v3, "inactive"));
        for (String marker : markers) {
            assertThat(cluster.unitProcesses(marker)).isEmpty();
        }

        assertThat(ok(cluster.cli("start", "swap.service")).out())
                .isEqualTo("Unit swap.service launched on " + machine.legend() + "\n");
        List<UnitProcess> third = cluster.unitProcesses(markers.get(2));
        assertThat(third).hasSize(1);
        assertThat(third.getFirst().agent()).isEqualTo(machine);

        cluster.unitFile("swap.service", versions.get(3));
        assertThat(ok(cluster.cli("start", "--replace", "swap.service")).out())
                .as("start --replace returns once the machine runs the new file")
                .isEqualTo("Unit swap.service launched on " + machine.legend() + "\n");
        assertThat(ok(cluster.cli("cat", "swap.service")).out()).isEqualTo(versions.get(3));
        assertThat(cluster.unitProcesses(markers.get(3))).hasSize(1);
        assertThat(cluster.unitProcesses(markers.get(3)).getFirst().agent()).isEqualTo(machine);
        await("the old process is gone").atMost(PATIENCE).until(() -> cluster.unitProcesses(markers.get(2)).isEmpty());
        String v4 = ContentHash.of(versions.get(3)).hex();
        assertThat(cluster.api().states(null, null)).anyMatch(s -> s.hash().equals(v4) && s.isLoadedAndActive());
        assertThat(rows(cluster.cli("list-units", "--no-legend", "--full", "--fields", "unit,machine,hash,active,sub")))
                .containsExactly(List.of("swap.service", machine.machineId() + "/" + machine.ip(), v4, "active", "running"));
    }

    @Test
    void listUnitFilesIsSortedForTwentyInstancesSpreadOverThreeMachines() throws Exception {
        String marker = cluster.newMarker();
        String template = "[Unit]\nDescription=Instance %i\n\n[Service]\nExecStart=/bin/sleep " + marker + "%i\n";
        cluster.unitFile("inst@.service", template);
        List<String> instances = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            instances.add(String.format("inst@%02d.service", i));
        }
        List<String> shuffled = new ArrayList<>(instances);
        Collections.shuffle(shuffled, new Random(20));
        List<String> start = new ArrayList<>(List.of("start"));
        start.addAll(shuffled);
        assertThat(ok(cluster.cli(start.toArray(String[]::new))).out().lines()).hasSize(20)
                .allMatch(line -> line.matches("Unit inst@\\d\\d\\.service launched on [0-9a-f]{8}\\.\\.\\./127\\.0\\.3\\.[123]"));

        CliProcess.Result list = ok(cluster.cli("list-unit-files"));
        List<String> lines = list.out().lines().toList();
        assertThat(lines.getFirst()).matches("UNIT\\t+HASH\\t+DSTATE\\t+STATE\\t+TARGET");
        List<List<String>> table = lines.stream().skip(1).map(line -> List.of(line.split("\\t+"))).toList();
        assertThat(table.stream().map(List::getFirst).toList()).as("instances made from the local template file, "
                + "which is not submitted itself:\n%s", list.out()).isEqualTo(instances);
        String hash = ContentHash.of(template).shortHex();
        Map<String, AgentProcess> target = new TreeMap<>();
        for (List<String> row : table) {
            assertThat(row.subList(1, 4)).as(row.toString()).isEqualTo(List.of(hash, "launched", "launched"));
            target.put(row.getFirst(), cluster.agentOfLegend(row.get(4)));
        }
        Map<String, Long> perMachine = target.values().stream()
                .collect(Collectors.groupingBy(AgentProcess::name, TreeMap::new, Collectors.counting()));
        assertThat(perMachine.values().stream().sorted().toList()).as("least-loaded placement: %s", perMachine)
                .isEqualTo(List.of(6L, 7L, 7L));

        List<UnitProcess> processes = cluster.unitProcesses(marker);
        assertThat(processes).hasSize(20);
        for (UnitProcess p : processes) {
            String unit = "inst@" + p.marker().substring(marker.length()) + ".service";
            assertThat(p.agent()).as("the process of %s runs where list-unit-files says", unit).isEqualTo(target.get(unit));
        }
    }

    @Test
    void statusAndJournalOfAUnitOnAnotherMachineComeFromThatMachine() throws Exception {
        AgentProcess asked = cluster.agent("a");
        AgentProcess other = cluster.agent("b");
        AgentProcess runner = cluster.agent("c");
        String marker = cluster.newMarker();
        cluster.unitFile("remote.service", "[Unit]\nDescription=Runs on c\n\n[Service]\n"
                + "ExecStart=/bin/sh -c 'echo hello from ${FLOTILLA_PUBLIC_IP}; exec /bin/sleep " + marker + "'\n\n"
                + "[X-Fleet]\nMachineID=" + runner.machineId() + "\n");
        assertThat(ok(cluster.cli(asked, "start", "remote.service")).out())
                .isEqualTo("Unit remote.service launched on " + runner.legend() + "\n");
        await().atMost(PATIENCE).ignoreExceptions().until(() -> asked.api().journal("remote.service", 10).stream()
                .anyMatch(e -> e.message().equals("hello from " + runner.ip())));
        List<UnitProcess> processes = cluster.unitProcesses(marker);
        assertThat(processes).hasSize(1);
        assertThat(processes.getFirst().agent()).isEqualTo(runner);

        CliProcess.Result status = ok(cluster.cli(asked, "status", "remote.service"));
        List<String> lines = status.out().lines().toList();
        assertThat(lines.subList(0, 2)).containsExactly("\u25cf remote.service - Runs on c", "   Loaded: loaded");
        assertThat(lines.get(2)).startsWith("   Active: active (running) since ");
        assertThat(lines.get(3)).isEqualTo("  Machine: " + runner.legend());
        assertThat(lines.get(4)).as("the real process on c").isEqualTo(" Main PID: " + processes.getFirst().pid());
        assertThat(status.out()).contains(" remote.service[sh]: hello from " + runner.ip() + "\n");

        CliProcess.Result journal = ok(cluster.cli(other, "journal", "--lines", "20", "remote.service"));
        String shortId = runner.machineId().substring(0, 8);
        List<String> entries = journal.out().lines().toList();
        assertThat(entries).as(journal.out()).isNotEmpty()
                .allMatch(line -> line.matches("\\w{3} \\d\\d \\d\\d:\\d\\d:\\d\\d " + shortId + "\\.\\.\\. remote\\.service\\[.+"))
                .anyMatch(line -> line.endsWith(" remote.service[sh]: hello from " + runner.ip()));
    }

    /** The one group of {@code pattern} in the output's single line. */
    private static String single(CliProcess.Result result, String pattern) {
        Matcher m = Pattern.compile(pattern).matcher(result.out().strip());
        assertThat(m.matches()).as("%s in %s", pattern, result).isTrue();
        return m.group(1);
    }
}
