package dev.flotilla.cli;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.FleetClient;
import dev.flotilla.api.MachineDetails;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code flotilla drain-machine MACHINE [--reason TEXT]} and {@code flotilla undrain-machine MACHINE}: take a machine
 * out of scheduling for maintenance, and put it back ({@code POST/DELETE /v1/machines/{id}/drain}, docs/api.md).
 */
final class DrainMachineCommands {

    private DrainMachineCommands() {
    }

    /** {@code flotilla drain-machine}. */
    @Command(name = "drain-machine", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            header = "Move every unit off a machine and place nothing new there.",
            description = {"The engine moves the machine's units to other machines (each stopped gracefully by its",
                    "agent, its service endpoints deregistered first) and places nothing new there. Global units",
                    "stay. A unit that can only run there (MachineID=, MachineOf=, Conflicts=) becomes",
                    "unschedulable, its reason naming the drain. The drain survives the agent restarting; it ends",
                    "with 'undrain-machine'."},
            footer = {"", "Example:", "  flotilla drain-machine 2aa4e35a --reason 'kernel upgrade'"})
    static final class Drain extends ApiCommand {
        @Parameters(paramLabel = "MACHINE", description = "The machine ID or a unique prefix (list-machines shows them).")
        String machine;

        @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "",
                description = "Why, shown with the drain (at most 512 characters).")
        String reason;

        @Override
        int run(FleetClient client) throws ApiException {
            MachineDetails m = client.drainMachine(machine, reason);
            out().println("Machine " + m.shortId() + legend(m) + " draining"
                    + (m.draining() == null || m.draining().reason().isEmpty() ? "" : ": " + m.draining().reason()));
            return ExitCodes.OK;
        }
    }

    /** {@code flotilla undrain-machine}. */
    @Command(name = "undrain-machine", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            header = "End a machine's drain: the engine may place units there again.",
            description = "Nothing moves back by itself: new units and units that move go there by load.",
            footer = {"", "Example:", "  flotilla undrain-machine 2aa4e35a"})
    static final class Undrain extends ApiCommand {
        @Parameters(paramLabel = "MACHINE", description = "The machine ID or a unique prefix.")
        String machine;

        @Override
        int run(FleetClient client) throws ApiException {
            MachineDetails m = client.undrainMachine(machine);
            out().println("Machine " + m.shortId() + legend(m) + " takes units again");
            return ExitCodes.OK;
        }
    }

    private static String legend(MachineDetails m) {
        return m.primaryIP() == null ? "" : " (" + m.primaryIP() + ")";
    }
}
