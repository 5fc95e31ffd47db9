package dev.flotilla.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** {@code flotilla drain-machine} and {@code undrain-machine}, and the state column of {@code list-machines}. */
class DrainMachineCommandIT extends FleetCliTestBase {

    private static final String M1 = "2aa4e35a0123456789abcdef01234567";
    private static final String M2 = "c3f52cb30123456789abcdef01234567";

    @Test
    void drainsAndUndrainsByPrefixAndListMachinesShowsIt() throws Exception {
        cluster.machine(M1, "10.0.0.1", Map.of());
        cluster.machine(M2, "10.0.0.2", Map.of());

        CliProcess.Result drain = cli("drain-machine", "2aa4", "--reason", "kernel upgrade");
        assertThat(drain.exitCode()).as(drain.toString()).isZero();
        assertThat(drain.out()).isEqualTo("Machine 2aa4e35a (10.0.0.1) draining: kernel upgrade\n");
        assertThat(cli("list-machines", "--fields", "machine,ip,state").out()).isEqualTo("MACHINE\t\tIP\t\tSTATE\n"
                + "2aa4e35a...\t10.0.0.1\tdraining\n"
                + "c3f52cb3...\t10.0.0.2\tavailable\n");
        assertThat(cli("list-machines", "--no-legend").out()).as("fleet's default columns are unchanged")
                .isEqualTo("2aa4e35a...\t10.0.0.1\t-\nc3f52cb3...\t10.0.0.2\t-\n");

        CliProcess.Result undrain = cli("undrain-machine", M1);
        assertThat(undrain.exitCode()).as(undrain.toString()).isZero();
        assertThat(undrain.out()).isEqualTo("Machine 2aa4e35a (10.0.0.1) takes units again\n");
        assertThat(cli("list-machines", "--no-legend", "--fields", "state").out()).isEqualTo("available\navailable\n");
    }

    @Test
    void anUnknownMachineIsOneLineAndNonZero() throws Exception {
        cluster.machine(M1, "10.0.0.1", Map.of());

        CliProcess.Result result = cli("drain-machine", "ffff");
        assertThat(result.exitCode()).as(result.toString()).isNotZero();
        assertThat(result.err().lines()).as(result.toString()).hasSize(1);
        assertThat(result.err()).contains("machine ffff does not exist");
    }
}
