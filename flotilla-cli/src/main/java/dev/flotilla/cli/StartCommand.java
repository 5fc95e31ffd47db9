package dev.flotilla.cli;

import java.util.ArrayList;
import java.util.List;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.DesiredState;
import dev.flotilla.api.FleetClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flotilla start UNIT...}: start units, submitting and loading them first if necessary. */
@Command(name = "start", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Start one or more units in the cluster, first submitting and loading them if necessary.",
        description = {"Waits until each unit is active on its machine and prints where",
                "(\"Unit web@01.service launched on 6847f4f7.../10.208.201.226\"), unless --no-block.",
                "A unit that cannot be scheduled makes start fail after --block-attempts with the",
                "reason each machine refused it. web@05.service is created from web@.service (in the",
                "cluster, else in the current directory) when it does not exist. Global units are",
                "never waited for."},
        footer = {"", "Examples:", "  flotilla start db.service", "  flotilla start web@{01..10}.service",
                "  flotilla start --no-block monweb@01.service"})
final class StartCommand extends ApiCommand {

    @Mixin
    BlockOptions block;

    @Option(names = "--replace", description = "Replace units whose file differs; their agents restart them.")
    boolean replace;

    @Parameters(paramLabel = "UNIT", arity = "0..*", description = "Unit files or names.")
    List<String> units = new ArrayList<>();

    @Override
    int run(FleetClient client) throws ApiException {
        return submitAndRaise(client, units, replace, DesiredState.LAUNCHED, "start", block.attempts());
    }
}
