package dev.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.flotilla.api.FleetClient;
import dev.flotilla.daemon.DevCluster;
import dev.flotilla.testkit.DockerEngine;
import dev.flotilla.testkit.DockerImages;
import dev.flotilla.testkit.FreePorts;
import dev.flotilla.testkit.WorkDirs;

/**
 * {@code flotilla status}, {@code journal} and {@code inspect} of a {@code .container} unit as a user runs
 * them (the packaged jar), asked through the first machine of a two-machine {@link DevCluster} while the
 * container runs on the second, through the Docker runtime.
 */
class ContainerStatusIT {

    private static final String ID = UUID.randomUUID().toString().substring(0, 8);
    private static final String UNIT = "web-" + ID + ".container";
    private static DevCluster cluster;
    private static String endpoint;
    private static java.nio.file.Path data;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        String image = DockerImages.busybox();
        data = WorkDirs.create("container-status");
        cluster = DevCluster.start(2, data, 0);
        assertThat(cluster.awaitJoined(Duration.ofSeconds(20))).as("both machines join").isTrue();
        endpoint = cluster.machines().getFirst().apiUrl().toString();
        port = FreePorts.next();
        try (FleetClient first = new FleetClient(cluster.machines().getFirst().apiUrl(), Duration.ofSeconds(10))) {
            PinnedUnits.launch(first, UNIT, """
                    [Unit]
                    Description=A web container

                    [Container]
                    Image=%s
                    PublishPort=%d:80
                    Memory=64m
                    CPUWeight=200
                    HealthCmd=wget -qO- http://127.0.0.1/index.html
                    HealthInterval=1s

                    [X-Fleet]
                    MachineMetadata=machine=2
                    """.formatted(image, port));
            await().atMost(PinnedUnits.START).ignoreExceptions().until(() ->
                    first.status(UNIT).details().getOrDefault("Health", "").startsWith("healthy"));
        }
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (data != null) {
            for (int m = 1; m <= 2; m++) {
                DockerEngine.removeContainersLabelled("dev.flotilla.state-dir", data.resolve("machine-" + m + "/docker").toString());
            }
        }
    }

    private static CliProcess.Result cli(String... args) {
        return CliProcess.run(Map.of("FLOTILLA_ENDPOINT", endpoint), args);
    }

    @Test
    void statusShowsTheContainerItsImagePortsHealthLimitsAndProcesses() {
        CliProcess.Result r = cli("status", UNIT);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        String ip = cluster.machines().get(1).apiUrl().getHost();
        String id = DockerEngine.inspect("web-" + ID, "{{.Id}}");
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("\u25cf " + UNIT + " - A web container");
        // the limits as read back from the container's cgroup (v1 here; v2 names its files memory.max, cpu.weight)
        assertThat(lines).contains("    Ports: " + ip + ":" + port + "->80/tcp")
                .anyMatch(l -> l.matches("   Limits: Memory=64m applied \\((memory.limit_in_bytes=67108864|memory.max=67108864)"
                        + " in /sys/fs/cgroup/\\S*" + id + "\\S*\\)"))
                .anyMatch(l -> l.matches(" {11}CPUWeight=200 applied \\((cpu.shares=2048|cpu.weight=\\d+) in /sys/fs/cgroup/\\S*"
                        + id + "\\S*\\)"))
                .anyMatch(l -> l.startsWith("Container: " + id.substring(0, 12) + " web-" + ID + " (running since "))
                .anyMatch(l -> l.startsWith("    Image: flotilla-test/busybox:"))
                .anyMatch(l -> l.startsWith("   Health: healthy"))
                .anyMatch(l -> l.matches("Processes: PID +USER +ELAPSED +COMMAND"))
                .anyMatch(l -> l.matches(" {11}\\d+ +root +[\\d:]+ +httpd -f -vv -p 80 -h /www"));
    }

    @Test
    void inspectPrintsTheEnginesJsonIndented() {
        CliProcess.Result r = cli("inspect", UNIT);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("{\n  \"Id\": \"" + DockerEngine.inspect("web-" + ID, "{{.Id}}") + "\",\n")
                .contains("\"dev.flotilla.unit\": \"" + UNIT + "\"").contains("\n  \"State\": {");
        CliProcess.Result raw = cli("inspect", "--raw", UNIT);
        assertThat(raw.out().lines().toList()).hasSize(1);

        CliProcess.Result none = cli("inspect", "nope.container");
        assertThat(none.exitCode()).isEqualTo(1);
        assertThat(none.err()).isEqualTo("flotilla inspect: Unit nope.container does not exist\n");
    }

    @Test
    void journalShowsTheContainersOutput() {
        CliProcess.Result r = cli("journal", "--lines", "50", UNIT);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains(UNIT + "[web-" + ID + "]: web: serving /www on port 80")
                .contains(UNIT + "[flotilla]: Started " + UNIT);
    }
}
