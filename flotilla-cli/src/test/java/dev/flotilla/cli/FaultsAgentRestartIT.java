package dev.flotilla.cli;

import static dev.flotilla.cli.AgentProcessCluster.PATIENCE;
import static dev.flotilla.cli.AgentProcessCluster.ok;
import static dev.flotilla.cli.AgentProcessCluster.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.flotilla.api.UnitState;
import dev.flotilla.cli.AgentProcessCluster.UnitProcess;

/**
 * An agent restarted while its units run, stopped with SIGTERM or killed with SIGKILL, then started again over the
 * same data directory within its lease TTL: it adopts every unit untouched (same PIDs, never a restart), resumes
 * their journals (the lines written while no agent ran, and the new ones after) and publishes their states again;
 * it adopts its fencing watchdog too, and does not fence. fleet restarted every unit (its issue #1086).
 *
 * <p>The restarted agent has a 15 s TTL, so that a JVM start on a loaded machine fits in it (the agent must
 * register again before its lease may expire; docs/agent.md). docs/faults.md.
 */
class FaultsAgentRestartIT {

    private static final Pattern TICK = Pattern.compile("(?m)\\]: tick (\\d+)$");
    private static AgentProcessCluster cluster;
    private static AgentProcess restarted;
    private static String tick;

    @BeforeAll
    static void startCluster() {
        cluster = AgentProcessCluster.start("faults-agent-restart", "127.0.12", Duration.ofSeconds(5),
                AgentSpec.named("r").metadata("role=restarted").leaseTtl(Duration.ofSeconds(15)),
                AgentSpec.named("other").metadata("role=other"));
        restarted = cluster.agent("r");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void clean() {
        if (!restarted.isAlive()) {
            restarted.start();
        }
        cluster.awaitMachines();
        cluster.destroyAllUnits();
    }

    @Test
    void anAgentStoppedWithSigtermAndStartedAgainAdoptsItsUnitsUntouched() throws IOException {
        restartAndCheck(AgentProcess::stop);
    }

    @Test
    void anAgentKilledWithSigkillAndStartedAgainWithinItsLeaseAdoptsItsUnitsUntouched() throws IOException {
        restartAndCheck(AgentProcess::kill);
    }

    private void restartAndCheck(Consumer<AgentProcess> down) throws IOException {
        String marker = cluster.newMarker();
        cluster.unitFile("web@.service", "[Service]\nExecStart=/bin/sleep " + marker + "%i\n\n[X-Fleet]\n"
                + "MachineMetadata=role=restarted\n");
        cluster.unitFile("bystander.service", "[Service]\nExecStart=/bin/sleep " + marker + "0\n\n[X-Fleet]\n"
                + "MachineMetadata=role=other\n");
        tick = "tick-" + marker + ".service"; // journals outlive units: a name of its own per test
        cluster.unitFile(tick, "[Service]\nExecStart=/bin/sh -c 'i=0; while :; do i=$((i+1)); echo \"tick $i\"; "
                + "sleep 0.2; done'\n\n[X-Fleet]\nMachineMetadata=role=restarted\n");
        ok(cluster.cli("start", "web@1", "web@2", "web@3", "bystander", tick));
        Map<String, Long> pids = pids(marker);
        assertThat(pids).hasSize(4);
        long tickPid = mainPid(tick);
        await(tick + " ticks").atMost(PATIENCE).until(() -> lastTick(journal()) >= 3);
        long watchdog = watchdogPid(restarted);
        int fencesBefore = restarted.errors().split("fences its units", -1).length;
        int lastBefore = lastTick(journal());

        down.accept(restarted);
        assertThat(pids(marker)).as("units outlive their agent").isEqualTo(pids);
        assertThat(ProcessHandle.of(tickPid).map(ProcessHandle::isAlive)).hasValue(true);

        restarted.start();
        cluster.awaitMachines();
        await("the restarted agent publishes its units' states again").atMost(PATIENCE).ignoreExceptions()
                .until(() -> cluster.api().states(restarted.machineId(), null).stream().filter(UnitState::isLoadedAndActive)
                        .count() == 4);
        await("new journal lines after the restart").atMost(PATIENCE).until(() -> lastTick(journal()) > lastBefore + 10);

        assertThat(pids(marker)).as("the same processes: nothing restarted").isEqualTo(pids);
        assertThat(mainPid(tick)).isEqualTo(tickPid);
        String status = ok(cluster.cli("status", tick)).out();
        assertThat(status).contains("Active: active (running)", "Main PID: " + tickPid, restarted.legend());
        String journal = journal();
        List<Integer> ticks = TICK.matcher(journal).results().map(m -> Integer.parseInt(m.group(1))).toList();
        assertThat(ticks).as("one run: ticks count on from 1 without a gap or a restart")
                .isEqualTo(IntStream.rangeClosed(1, ticks.size()).boxed().toList());
        assertThat(journal.lines().filter(l -> l.contains("Starting " + tick)).count())
                .as("started once").isEqualTo(1);
        for (List<String> row : rows(cluster.cli("list-units", "--no-legend"))) {
            assertThat(row.subList(2, 4)).as(row.toString()).isEqualTo(List.of("active", "running"));
        }
        assertThat(watchdogPid(restarted)).as("the fencing watchdog was adopted too").isEqualTo(watchdog);
        assertThat(restarted.errors().split("fences its units", -1).length).as("no fence").isEqualTo(fencesBefore);
    }

    /** The tick unit's journal through the CLI (against the other agent's API: any machine answers). */
    private static String journal() {
        return journal(cluster.agent("other"));
    }

    private static String journal(AgentProcess via) {
        return ok(cluster.cli(via, "journal", "--lines", "10000", tick)).out();
    }

    private static int lastTick(String journal) {
        int last = 0;
        for (String line : journal.lines().toList()) {
            Matcher m = TICK.matcher(line);
            if (m.find()) {
                last = Integer.parseInt(m.group(1));
            }
        }
        return last;
    }

    private static long mainPid(String unit) {
        try {
            return cluster.agent("other").api().status(unit).mainPID();
        } catch (dev.flotilla.api.ApiException e) {
            throw new AssertionError(e);
        }
    }

    private static long watchdogPid(AgentProcess agent) throws IOException {
        String line = Files.readString(agent.dataDir().resolve("exec").resolve(".watchdog.pid"));
        return Long.parseLong(line.substring(0, line.indexOf(':')));
    }

    /** The PID of each sleep unit's process ({@code web@N}, and {@code bystander} as {@code web@0}); one each. */
    private static Map<String, Long> pids(String marker) {
        Map<String, Long> pids = new TreeMap<>();
        for (UnitProcess p : cluster.unitProcesses(marker)) {
            assertThat(pids.put(p.marker(), p.pid())).as("one process for %s", p.marker()).isNull();
        }
        return pids;
    }
}
