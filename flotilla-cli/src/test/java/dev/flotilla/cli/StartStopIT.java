package dev.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.flotilla.registry.DesiredState;
import dev.flotilla.registry.MachineId;
import dev.flotilla.registry.UnschedulableRecord.Reason;

/**
 * start, load, stop, unload and restart, blocking as fleetctl's did. The test plays the engine (placing
 * units, or recording why it cannot) and the agents (publishing unit states) through the registry, while
 * the CLI waits.
 */
class StartStopIT extends FleetCliTestBase {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String DB = "2aa4e35a0123456789abcdef01234567";
    private static final String WEB = "6847f4f7fedcba9876543210fedcba98";

    private void awaitDesired(String unit, DesiredState state) {
        await().atMost(PATIENCE).until(() -> cluster.desired(unit) == state);
    }

    @Test
    void startWaitsUntilTheUnitIsActiveAndSaysWhere() throws Exception {
        MachineId core04 = cluster.machine(DB, "10.208.201.253", Map.of());
        cluster.machine(WEB, "10.208.201.226", Map.of());
        seedFile("db.service");

        CliProcess.Running start = startCli("start", "db.service");
        awaitDesired("db.service", DesiredState.LAUNCHED);
        cluster.place("db.service", core04);
        cluster.publish("db.service", core04, "loaded", "active", "running");

        CliProcess.Result result = start.await();
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo("Unit db.service launched on 2aa4e35a.../10.208.201.253\n");

        CliProcess.Result units = cli("list-units");
        assertThat(units.out()).isEqualTo("UNIT\t\tMACHINE\t\t\t\tACTIVE\tSUB\n"
                + "db.service\t2aa4e35a.../10.208.201.253\tactive\trunning\n");
        CliProcess.Result again = cli("start", "db.service");
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).isEmpty();
    }

    @Test
    void startOfSeveralInstancesCreatesThemFromTheTemplateAndReportsEach() throws Exception {
        MachineId m1 = cluster.machine(WEB, "10.208.201.226", Map.of());
        MachineId m2 = cluster.machine(DB, "10.208.201.253", Map.of());
        seedFile("web@.service");
        cli("submit", "web@.service");
        java.nio.file.Files.delete(dir.resolve("web@.service"));

        CliProcess.Running start = startCli("start", "web@01.service", "web@02", "web@03.service");
        for (String unit : List.of("web@01.service", "web@02.service", "web@03.service")) {
            awaitDesired(unit, DesiredState.LAUNCHED);
        }
        cluster.place("web@01.service", m1);
        cluster.place("web@02.service", m2);
        cluster.place("web@03.service", m1);
        cluster.publish("web@01.service", m1, "loaded", "active", "running");
        cluster.publish("web@02.service", m2, "loaded", "active", "running");
        cluster.publish("web@03.service", m1, "loaded", "active", "running");

        CliProcess.Result result = start.await();
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out().lines()).containsExactlyInAnyOrder(
                "Unit web@01.service launched on 6847f4f7.../10.208.201.226",
                "Unit web@02.service launched on 2aa4e35a.../10.208.201.253",
                "Unit web@03.service launched on 6847f4f7.../10.208.201.226");
        assertThat(cli("cat", "web@02.service").outBytes()).isEqualTo(seed("web@.service"));
        assertThat(cluster.desired("web@.service")).isEqualTo(DesiredState.INACTIVE);
    }

    @Test
    void startInstantiatesATemplateFileOfTheCurrentDirectory() throws Exception {
        seedFile("web@.service");
        CliProcess.Result start = cli("start", "--no-block", "web@05");
        assertThat(start.exitCode()).as(start.toString()).isZero();
        assertThat(start.out()).isEqualTo("Triggered unit web@05.service start\n");
        assertThat(cluster.desired("web@05.service")).isEqualTo(DesiredState.LAUNCHED);
        assertThat(cluster.unit("web@.service")).isEmpty();
        assertThat(cluster.unit("web@05.service").orElseThrow().contents())
                .isEqualTo(new String(seed("web@.service"), StandardCharsets.UTF_8));
    }

    @Test
    void startWithoutTheTemplateAnywhereSaysWhatWasLookedFor() {
        CliProcess.Result start = cli("start", "--no-block", "web@05.service");
        assertThat(start.exitCode()).isEqualTo(1);
        assertThat(start.err().lines()).hasSize(1);
        assertThat(start.err()).startsWith("flotilla start: unit web@05.service not found: its template web@.service");
    }

    @Test
    void anUnschedulableUnitMakesStartFailWithItsReasonsPerMachine() throws Exception {
        MachineId m1 = cluster.machine("11111111aaaaaaaabbbbbbbbcccccccc", "10.0.0.1", Map.of("region", "eu"));
        MachineId m2 = cluster.machine("22222222aaaaaaaabbbbbbbbcccccccc", "10.0.0.2", Map.of("region", "eu"));
        file("web.service", "[Service]\nExecStart=/bin/true\n\n[X-Fleet]\nMachineMetadata=region=us\n");

        CliProcess.Running start = startCli("start", "--block-attempts", "3", "web.service");
        awaitDesired("web.service", DesiredState.LAUNCHED);
        cluster.unschedulable("web.service", Reason.on(m1, "metadata region=us does not match"),
                Reason.on(m2, "metadata region=us does not match"));

        CliProcess.Result result = start.await();
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).isEqualTo("flotilla start: unit web.service did not become launched within 3 attempts "
                + "(6 s): it cannot be scheduled:\n"
                + "  11111111.../10.0.0.1: metadata region=us does not match\n"
                + "  22222222.../10.0.0.2: metadata region=us does not match\n"
                + "(wait longer with --block-attempts N; 0 waits forever)\n");
    }

    @Test
    void waitingForeverSaysWhyAUnitCannotBeScheduledWhileItWaits() throws Exception {
        MachineId m1 = cluster.machine("11111111aaaaaaaabbbbbbbbcccccccc", "10.0.0.1", Map.of());
        file("b.service", "[Service]\nExecStart=/bin/true\n");

        CliProcess.Running start = startCli("start", "--block-attempts", "0", "b.service");
        awaitDesired("b.service", DesiredState.LAUNCHED);
        cluster.unschedulable("b.service", Reason.on(m1, "conflicts with a.service"));
        await().atMost(PATIENCE).until(() -> start.errSoFar().contains("conflicts with a.service"));
        assertThat(start.errSoFar()).isEqualTo("Unit b.service cannot be scheduled yet (still waiting):\n"
                + "  11111111.../10.0.0.1: conflicts with a.service\n");
        cluster.place("b.service", m1);
        cluster.publish("b.service", m1, "loaded", "active", "running");

        CliProcess.Result result = start.await();
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo("Unit b.service launched on 11111111.../10.0.0.1\n");
    }

    @Test
    void aFailedUnitTimesOutNamingItsStateAndMachine() throws Exception {
        MachineId m1 = cluster.machine(WEB, "10.208.201.226", Map.of());
        file("a.service", "[Service]\nExecStart=/bin/true\n");
        CliProcess.Running start = startCli("start", "--block-attempts=1", "a.service");
        awaitDesired("a.service", DesiredState.LAUNCHED);
        cluster.place("a.service", m1);
        cluster.publish("a.service", m1, "loaded", "failed", "failed");

        CliProcess.Result result = start.await();
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("flotilla start: unit a.service did not become launched within 1 attempt (2 s): "
                + "it is failed (failed) on 6847f4f7.../10.208.201.226");
    }

    @Test
    void noBlockReturnsAtOnce() throws Exception {
        file("a.service", "[Service]\nExecStart=/bin/true\n");
        CliProcess.Result start = cli("start", "--no-block", "a.service");
        assertThat(start.exitCode()).as(start.toString()).isZero();
        assertThat(start.out()).isEqualTo("Triggered unit a.service start\n");
        assertThat(cluster.desired("a.service")).isEqualTo(DesiredState.LAUNCHED);

        CliProcess.Result load = cli("load", "-no-block", "a.service");
        assertThat(load.out()).isEqualTo("Triggered unit a.service load\n");
        assertThat(cluster.desired("a.service")).isEqualTo(DesiredState.LOADED);
    }

    @Test
    void stopWaitsUntilTheUnitIsStoppedThenUnloadTakesItOff() throws Exception {
        MachineId m1 = cluster.machine(WEB, "10.208.201.226", Map.of());
        file("a.service", "[Service]\nExecStart=/bin/true\n");
        cli("start", "--no-block", "a.service");
        cluster.place("a.service", m1);
        cluster.publish("a.service", m1, "loaded", "active", "running");

        CliProcess.Running stop = startCli("stop", "a.service");
        awaitDesired("a.service", DesiredState.LOADED);
        cluster.publish("a.service", m1, "loaded", "inactive", "dead");
        CliProcess.Result stopped = stop.await();
        assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
        assertThat(stopped.out()).isEqualTo("Unit a.service loaded on 6847f4f7.../10.208.201.226\n");
        assertThat(stopped.err()).isEqualTo("Successfully stopped units [a.service].\n");

        CliProcess.Result unload = cli("unload", "a.service");
        assertThat(unload.exitCode()).as(unload.toString()).isZero();
        assertThat(unload.out()).isEqualTo("Unit a.service inactive\n");
        assertThat(unload.err()).isEqualTo("Successfully unloaded units [a.service].\n");
        assertThat(cluster.desired("a.service")).isEqualTo(DesiredState.INACTIVE);

        CliProcess.Result stopInactive = cli("stop", "a.service");
        assertThat(stopInactive.exitCode()).isEqualTo(1);
        assertThat(stopInactive.err()).contains("Unable to stop unit a.service in state inactive");
    }

    @Test
    void restartStopsAndStartsAgain() throws Exception {
        MachineId m1 = cluster.machine(WEB, "10.208.201.226", Map.of());
        file("a.service", "[Service]\nExecStart=/bin/true\n");
        cli("start", "--no-block", "a.service");
        cluster.place("a.service", m1);
        cluster.publish("a.service", m1, "loaded", "active", "running");

        CliProcess.Running restart = startCli("restart", "a.service");
        awaitDesired("a.service", DesiredState.LOADED);
        cluster.publish("a.service", m1, "loaded", "inactive", "dead");
        awaitDesired("a.service", DesiredState.LAUNCHED);
        cluster.publish("a.service", m1, "loaded", "active", "running");

        CliProcess.Result result = restart.await();
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo("Unit a.service launched on 6847f4f7.../10.208.201.226\n");
    }

    @Test
    void loadWaitsUntilTheUnitIsLoaded() throws Exception {
        MachineId m1 = cluster.machine(DB, "10.208.201.253", Map.of());
        seedFile("db.service");
        CliProcess.Running load = startCli("load", "db.service");
        awaitDesired("db.service", DesiredState.LOADED);
        cluster.place("db.service", m1);
        cluster.publish("db.service", m1, "loaded", "inactive", "dead");

        CliProcess.Result result = load.await();
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo("Unit db.service loaded on 2aa4e35a.../10.208.201.253\n");
    }

    @Test
    void startingATemplateItselfIsRefused() throws Exception {
        seedFile("web@.service");
        CliProcess.Result start = cli("start", "--no-block", "web@.service");
        assertThat(start.exitCode()).isEqualTo(2);
        assertThat(start.err().lines()).hasSize(1);
        assertThat(start.err()).contains("cannot activate template web@.service");
    }
}
