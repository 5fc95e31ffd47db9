package dev.flotilla.cli;

import static dev.flotilla.cli.AgentProcessCluster.PATIENCE;
import static dev.flotilla.cli.AgentProcessCluster.ok;
import static dev.flotilla.cli.AgentProcessCluster.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.flotilla.testkit.FreePorts;

/**
 * Service registration end to end: units with {@code [X-Service]} and an HTTP check, served by real busybox httpd
 * processes of real {@code flotilla agent} processes on one etcd, seen through {@code flotilla services} as a user
 * types it. Registration follows start, stop and the death of the agent.
 */
class AgentsServicesIT {

    private static AgentProcessCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = AgentProcessCluster.start("services", "127.0.21", Duration.ofSeconds(5),
                AgentSpec.named("a"), AgentSpec.named("b"));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A unit serving the unit directory with busybox httpd on its machine's address, checked every second. */
    private static String webUnit(int port, String checkPath) {
        return "[Unit]\nDescription=busybox web\n\n[Service]\nExecStart=/bin/busybox httpd -f -p ${FLOTILLA_PUBLIC_IP}:"
                + port + " -h " + cluster.unitDir() + "\n\n[X-Service]\nName=web\nPort=" + port + "\nTags=v1\nCheckHTTP="
                + checkPath + "\nCheckInterval=1s\nCheckTimeout=1s\nDrainDelay=0\n";
    }

    private static List<List<String>> services(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "services";
        System.arraycopy(args, 0, all, 1, args.length);
        all[all.length - 1] = "--no-legend";
        return rows(cluster.cli(all));
    }

    @Test
    void anEndpointIsRegisteredPassingWhileItsUnitRunsAndVanishesOnStopAndWithItsAgent() throws Exception {
        cluster.unitFile("index.html", "ok\n");
        int port = FreePorts.next();
        cluster.unitFile("web.service", webUnit(port, "/index.html"));

        AgentProcess first = cluster.agentOfLegend(ok(cluster.cli("start", "web.service")).out()
                .replaceAll("(?s)Unit web.service launched on (\\S+)\n", "$1"));
        await("web.service passing").atMost(PATIENCE).until(() -> services("web").stream()
                .anyMatch(r -> r.get(4).equals("passing")));
        List<String> row = services("web").getFirst();
        assertThat(row.subList(0, 5)).containsExactly("web", "web.service", first.legend(), first.ip() + ":" + port,
                "passing");
        assertThat(services("--health", "critical")).isEmpty();

        // Stop deletes the endpoint before it signals the process: it is gone when stop returns.
        ok(cluster.cli("stop", "web.service"));
        assertThat(services("web")).isEmpty();

        AgentProcess second = cluster.agentOfLegend(ok(cluster.cli("start", "web.service")).out()
                .replaceAll("(?s)Unit web.service launched on (\\S+)\n", "$1"));
        await("web.service passing again").atMost(PATIENCE).until(() -> services("web").stream()
                .anyMatch(r -> r.get(2).equals(second.legend()) && r.get(4).equals("passing")));

        // The agent dies (SIGKILL): its lease expires and its endpoints go with it; the engine starts the unit on
        // the surviving machine, whose agent registers it there.
        AgentProcess survivor = cluster.liveAgents().stream().filter(a -> a != second).findFirst().orElseThrow();
        second.kill();
        cluster.killUnitProcessesOf(second);
        await("the endpoint on the dead machine is gone").atMost(PATIENCE).until(() -> services("web").stream()
                .noneMatch(r -> r.get(2).equals(second.legend())));
        await("web.service passing on the survivor").atMost(PATIENCE).until(() -> services("web").stream()
                .anyMatch(r -> r.get(2).equals(survivor.legend()) && r.get(3).equals(survivor.ip() + ":" + port)
                        && r.get(4).equals("passing")));
    }

    @Test
    void aFailingCheckIsCriticalWithTheChecksOutput() throws Exception {
        int port = FreePorts.next();
        cluster.unitFile("broken.service", webUnit(port, "/missing.html").replace("Name=web", "Name=broken"));
        ok(cluster.cli("start", "broken.service"));
        await("broken.service registered").atMost(PATIENCE).until(() -> !services("broken").isEmpty());
        assertThat(services("broken").getFirst().get(4)).isEqualTo("critical");
        assertThat(cluster.api().service("broken").endpoints().getFirst().output()).contains("404");
        ok(cluster.cli("destroy", "broken.service"));
        await("broken.service deregistered").atMost(PATIENCE).until(() -> services("broken").isEmpty());
    }
}
