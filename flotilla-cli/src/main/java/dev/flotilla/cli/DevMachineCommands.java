package dev.flotilla.cli;

import java.util.List;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.DevMachine;
import dev.flotilla.api.FleetClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code flotilla dev machines | stop-machine | start-machine}: a dev cluster's simulated machines, and stopping one
 * to watch the cluster heal (a machine loss: its units stop, its lease goes, the engine moves its units), then
 * bringing it back. They talk to the dev cluster's API ({@code /v1/dev/machines}), which agents do not serve.
 */
final class DevMachineCommands {

    private DevMachineCommands() {
    }

    /** {@code flotilla dev machines}. */
    @Command(name = "machines", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            header = "List a dev cluster's machines, running or stopped.",
            description = "A table: MACHINE (number), IP, ID, STATE (running or stopped), API.")
    static final class Machines extends ApiCommand {
        @Override
        int run(FleetClient client) throws ApiException {
            Table table = new Table();
            table.header(List.of("machine", "ip", "id", "state", "api"));
            for (DevMachine m : client.devMachines()) {
                table.row(row(m));
            }
            out().print(table.render());
            return ExitCodes.OK;
        }
    }

    /** {@code flotilla dev stop-machine MACHINE}. */
    @Command(name = "stop-machine", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            header = "Stop one machine of a dev cluster, as if it were lost.",
            description = {"Its units stop (their service endpoints leave the registry first), its lease goes, and",
                    "the engine places its units on the other machines. Ask another machine's API than the",
                    "one you stop. 'start-machine' brings it back."},
            footer = {"", "Example:", "  flotilla dev stop-machine 3"})
    static final class Stop extends ApiCommand {
        @Parameters(paramLabel = "MACHINE", description = "The machine: its number (1..N), IP or machine ID.")
        String machine;

        @Override
        int run(FleetClient client) throws ApiException {
            DevMachine m = client.devMachine(machine, false);
            out().println("Machine " + m.number() + " (" + m.ip() + ") stopped");
            return ExitCodes.OK;
        }
    }

    /** {@code flotilla dev start-machine MACHINE}. */
    @Command(name = "start-machine", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            header = "Start a stopped machine of a dev cluster again.",
            description = "The same machine ID, address and data directory; the engine may place units on it again.",
            footer = {"", "Example:", "  flotilla dev start-machine 3"})
    static final class Start extends ApiCommand {
        @Parameters(paramLabel = "MACHINE", description = "The machine: its number (1..N), IP or machine ID.")
        String machine;

        @Override
        int run(FleetClient client) throws ApiException {
            DevMachine m = client.devMachine(machine, true);
            out().println("Machine " + m.number() + " (" + m.ip() + ") running, API " + m.api());
            return ExitCodes.OK;
        }
    }

    private static List<String> row(DevMachine m) {
        return List.of(Integer.toString(m.number()), m.ip(), m.machineId() == null ? "-" : m.machineId(),
                m.running() ? "running" : "stopped", m.api() == null ? "-" : m.api());
    }
}
