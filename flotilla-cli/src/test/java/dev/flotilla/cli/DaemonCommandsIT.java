package dev.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.flotilla.testkit.EtcdServer;
import dev.flotilla.testkit.WorkDirs;

/**
 * {@code flotilla dev} and {@code flotilla agent} as a user runs them: separate processes, driven by
 * the CLI's fleet commands, stopped with SIGTERM.
 */
class DaemonCommandsIT {

    private static final Pattern API_LINE = Pattern.compile("(?m)^API: (http://\\S+)$");

    private static List<String> apiLines(CliProcess.Running process, int count) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            assertThat(process.isAlive()).as("still running; stderr: %s", process.errSoFar()).isTrue();
            return API_LINE.matcher(process.outSoFar()).results().count() >= count;
        });
        return API_LINE.matcher(process.outSoFar()).results().map(m -> m.group(1)).toList();
    }

    private static long processesWith(String marker) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false)).count();
    }

    private static CliProcess.Result cli(Path dir, String endpoint, String... args) {
        return CliProcess.run(CliProcess.Options.defaults().in(dir).env(Map.of("FLOTILLA_ENDPOINT", endpoint)), args);
    }

    @Test
    void devModeRunsTheTutorialsWebTierAndCtrlCLeavesNoProcessBehind() throws Exception {
        Path dir = WorkDirs.create("dev-mode");
        String marker = "4242" + ThreadLocalRandom.current().nextInt(100_000, 999_999);
        Files.writeString(dir.resolve("web@.service"), """
                [Unit]
                Description=Web %i

                [Service]
                ExecStart=/bin/sh -c 'echo web %i on ${COREOS_PUBLIC_IPV4}; exec sleep MARKER'
                Restart=always
                """.replace("MARKER", marker));
        CliProcess.Running dev = CliProcess.start(CliProcess.Options.defaults().in(dir),
                "dev", "--machines", "3", "--api-port", "0", "--data-dir", dir.resolve("data").toString());
        try {
            List<String> apis = apiLines(dev, 3);
            assertThat(apis).hasSize(3);
            String endpoint = apis.getFirst();
            assertThat(cli(dir, endpoint, "list-machines", "--no-legend").out().lines()).hasSize(3);

            CliProcess.Result start = cli(dir, endpoint, "start", "web@1.service", "web@2.service", "web@3.service",
                    "web@4.service", "web@5.service", "web@6.service");
            assertThat(start.exitCode()).as(start.toString()).isZero();
            assertThat(start.out().lines()).hasSize(6).allMatch(line -> line.matches(
                    "Unit web@\\d\\.service launched on [0-9a-f]{8}\\.\\.\\./127\\.0\\.0\\.[234]"));

            CliProcess.Result units = cli(dir, endpoint, "list-units", "--no-legend");
            List<String> rows = units.out().lines().toList();
            assertThat(rows).hasSize(6).allMatch(row -> row.endsWith("\tactive\trunning"));
            assertThat(rows.stream().map(row -> row.split("\t+")[1]).distinct()).hasSize(3);
            assertThat(processesWith("sleep " + marker)).isGreaterThanOrEqualTo(6);
        } finally {
            dev.terminate();
            dev.await();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> processesWith("sleep " + marker) == 0);
    }

    @Test
    void twoAgentsOnEtcdFormAClusterAndRunUnits() throws Exception {
        Path dir = WorkDirs.create("agents");
        String marker = "4343" + ThreadLocalRandom.current().nextInt(100_000, 999_999);
        Files.writeString(dir.resolve("hello.service"), """
                [Service]
                ExecStart=/bin/sh -c 'echo hello; exec sleep MARKER'
                """.replace("MARKER", marker));
        try (EtcdServer etcd = EtcdServer.startNew()) {
            CliProcess.Running a = CliProcess.start(CliProcess.Options.defaults().in(dir), "agent",
                    "--etcd", etcd.endpoint(), "--ip", "127.0.0.21", "--api", "127.0.0.21:0",
                    "--metadata", "role=front", "--data-dir", dir.resolve("a").toString());
            CliProcess.Running b = CliProcess.start(CliProcess.Options.defaults().in(dir), "agent",
                    "--etcd", etcd.endpoint(), "--ip", "127.0.0.22", "--api", "127.0.0.22:0",
                    "--metadata", "role=back", "--data-dir", dir.resolve("b").toString());
            try {
                String endpoint = apiLines(a, 1).getFirst();
                apiLines(b, 1);
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> cli(dir, endpoint, "list-machines", "--no-legend").out().lines().count() == 2);
                CliProcess.Result machines = cli(dir, endpoint, "list-machines");
                assertThat(machines.out()).contains("127.0.0.21\trole=front").contains("127.0.0.22\trole=back");

                CliProcess.Result start = cli(dir, endpoint, "start", "hello.service");
                assertThat(start.exitCode()).as(start.toString()).isZero();
                Matcher launched = Pattern.compile("launched on [0-9a-f]{8}\\.\\.\\./(127\\.0\\.0\\.2[12])")
                        .matcher(start.out());
                assertThat(launched.find()).as(start.out()).isTrue();
                assertThat(processesWith("sleep " + marker)).isPositive();

                CliProcess.Result destroy = cli(dir, endpoint, "destroy", "hello.service");
                assertThat(destroy.out()).isEqualTo("Destroyed hello.service\n");
                await().atMost(Duration.ofSeconds(30)).until(() -> processesWith("sleep " + marker) == 0);
            } finally {
                a.terminate();
                b.terminate();
                a.await();
                b.await();
            }
        }
    }
}
