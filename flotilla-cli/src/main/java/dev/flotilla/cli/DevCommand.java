package dev.flotilla.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.flotilla.daemon.DevCluster;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code flotilla dev}: a whole cluster in one process, for trying Flotilla on one machine. The work
 * is in {@link DaemonLauncher}.
 */
@Command(name = "dev", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Run a whole cluster in this process: N machines on 127.0.0.2 and up, an embedded store.",
        description = {
                "Each machine is a full agent (real processes), engine and API server on its own loopback",
                "address. Prints one 'API: http://ADDR:PORT' line per machine; point the CLI at the first",
                "(export FLOTILLA_ENDPOINT=...). Ctrl-C stops every unit and every machine.",
                "'flotilla dev stop-machine N' stops one machine as if it were lost (the cluster heals);",
                "'flotilla dev start-machine N' brings it back; 'flotilla dev machines' lists them."},
        subcommands = {DevMachineCommands.Machines.class, DevMachineCommands.Stop.class,
                DevMachineCommands.Start.class},
        footer = {"", "Example:",
                "  flotilla dev --machines 4",
                "  FLOTILLA_ENDPOINT=http://127.0.0.2:7070 flotilla list-machines",
                "  FLOTILLA_ENDPOINT=http://127.0.0.2:7070 flotilla dev stop-machine 3"})
final class DevCommand implements Callable<Integer> {

    @Option(names = "--machines", paramLabel = "N", defaultValue = "4",
            description = "How many machines (default: ${DEFAULT-VALUE}).")
    int machines;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".flotilla/dev",
            description = "Where the machines keep their state (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--first-ip", paramLabel = "IP", defaultValue = DevCluster.DEFAULT_FIRST_IP,
            description = "The first machine's loopback address; the others follow it (default: ${DEFAULT-VALUE}).")
    String firstIp;

    @Mixin
    ServeOptions serve;

    @Mixin
    LogOptions log;

    @Option(names = "--api-port", paramLabel = "PORT", defaultValue = "" + DaemonLauncher.DEFAULT_API_PORT,
            description = "The API port of every machine, each on its own address; 0 picks free ports "
                    + "(default: ${DEFAULT-VALUE}).")
    int apiPort;

    @Override
    public Integer call() {
        return DaemonLauncher.runDev(this);
    }
}
