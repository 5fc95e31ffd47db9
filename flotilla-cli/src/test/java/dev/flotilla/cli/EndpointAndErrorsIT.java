package dev.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.flotilla.testkit.FreePorts;

/** Where the fleet commands find the API, list-machines, and how they fail: one line, non-zero exit. */
class EndpointAndErrorsIT extends FleetCliTestBase {

    @Test
    void listMachinesIsFleetctlsTable() throws Exception {
        cluster.machine("2aa4e35a0123456789abcdef01234567", "10.208.201.253", Map.of("region", "us", "disk", "ssd"));
        cluster.machine("c3f52cb30123456789abcdef01234567", "10.208.201.234", Map.of());

        CliProcess.Result list = cli("list-machines");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out()).isEqualTo("MACHINE\t\tIP\t\tMETADATA\n"
                + "2aa4e35a...\t10.208.201.253\tdisk=ssd,region=us\n"
                + "c3f52cb3...\t10.208.201.234\t-\n");
        CliProcess.Result full = cli("list-machines", "-l", "--no-legend", "--fields", "machine");
        assertThat(full.out()).isEqualTo("2aa4e35a0123456789abcdef01234567\nc3f52cb30123456789abcdef01234567\n");
    }

    @Test
    void theEndpointComesFromTheFlagBeforeTheCommandOrTheEnvironment() throws Exception {
        cluster.machine("2aa4e35a0123456789abcdef01234567", "10.0.0.1", Map.of());
        String expected = "2aa4e35a...\t10.0.0.1\t-\n";
        assertThat(CliProcess.run("--endpoint", cluster.endpoint(), "list-machines", "--no-legend").out()).isEqualTo(expected);
        assertThat(CliProcess.run(Map.of("FLEETCTL_ENDPOINT", cluster.endpoint()), "list-machines", "--no-legend").out())
                .isEqualTo(expected);
        CliProcess.Result both = CliProcess.run(Map.of("FLOTILLA_ENDPOINT", cluster.endpoint(),
                "FLEETCTL_ENDPOINT", "http://127.0.0.1:1"), "list-machines", "--no-legend");
        assertThat(both.out()).as(both.toString()).isEqualTo(expected);
    }

    @Test
    void anUnreachableEndpointIsOneLineAndExitTwo() {
        String nowhere = "http://127.0.0.1:" + FreePorts.next();
        CliProcess.Result result = CliProcess.run("list-units", "--endpoint", nowhere);
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.err().lines()).as(result.toString()).hasSize(1);
        assertThat(result.err()).startsWith("flotilla list-units: cannot connect to the API at " + nowhere);
        assertThat(result.out()).isEmpty();
    }

    @Test
    void anEtcdEndpointIsRefusedWithTheReason() {
        CliProcess.Result result = CliProcess.run("list-units", "--endpoint", "http://127.0.0.1:2379");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err().lines()).hasSize(1);
        assertThat(result.err()).contains("looks like etcd");
    }

    @Test
    void aBadFlagIsOneLineAndExitTwo() {
        CliProcess.Result result = cli("list-units", "--colour");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err().lines()).as(result.toString()).hasSize(1);
        assertThat(result.err()).startsWith("flotilla list-units: ").contains("--colour");
        CliProcess.Result attempts = cli("start", "--block-attempts", "many", "a.service");
        assertThat(attempts.exitCode()).isEqualTo(2);
        assertThat(attempts.err().lines()).hasSize(1);
    }

    @Test
    void anInvalidUnitNameIsOneLineAndExitTwo() {
        CliProcess.Result result = cli("cat", "we b.service");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err().lines()).as(result.toString()).hasSize(1);
        assertThat(result.err()).startsWith("flotilla cat: ");
    }

    @Test
    void listUnitsWithNothingRunningIsTheHeaderAlone() {
        CliProcess.Result result = cli("list-units");
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("UNIT\tMACHINE\tACTIVE\tSUB\n");
        assertThat(cli("list-units", "--no-legend").out()).isEmpty();
    }

    @Test
    void noUnitsIsANoteAndSuccessAsInFleetctl() {
        CliProcess.Result result = cli("destroy");
        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).isEqualTo("No units given\n");
    }

    @Test
    void helpListsTheFleetCommands() {
        CliProcess.Result help = CliProcess.run("--help");
        assertThat(help.out()).contains("list-machines", "list-units", "list-unit-files", "submit", "load", "start",
                "stop", "unload", "restart", "destroy", "cat", "--endpoint");
        CliProcess.Result start = CliProcess.run("start", "--help");
        assertThat(start.out()).contains("--no-block", "--block-attempts", "--replace", "--endpoint");
    }
}
