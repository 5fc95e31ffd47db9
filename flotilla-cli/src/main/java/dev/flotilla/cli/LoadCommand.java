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

/** {@code flotilla load UNIT...}: schedule units onto machines without starting them. */
@Command(name = "load", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Schedule one or more units in the cluster, first submitting them if necessary.",
        description = {"Waits until each unit is loaded on its machine and prints where",
                "(\"Unit db.service loaded on 2aa4e35a.../10.208.201.253\"), unless --no-block.",
                "Global units are never waited for."})
final class LoadCommand extends ApiCommand {

    @Mixin
    BlockOptions block;

    @Option(names = "--replace", description = "Replace units whose file differs (while inactive or loaded).")
    boolean replace;

    @Parameters(paramLabel = "UNIT", arity = "0..*", description = "Unit files or names.")
    List<String> units = new ArrayList<>();

    @Override
    int run(FleetClient client) throws ApiException {
        return submitAndRaise(client, units, replace, DesiredState.LOADED, "load", block.attempts());
    }
}
