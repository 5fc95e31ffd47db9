package dev.flotilla.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.flotilla.daemon.DevCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code flotilla demo}: the tutorial's whole multi-tier world app (examples/world) on a four-machine dev cluster,
 * with one command. The work is in {@link Demo}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Run the world app (MariaDB, loader, 10 web instances, load balancer) on a 4-machine dev cluster.",
        description = {
                "Starts dev mode with 4 machines, submits and starts db, dbhelper, web@01..10 and lb",
                "(examples/world/units/exec, with this JDK, world.jar and passwords generated into a",
                "mode-0600 env file in the data directory), shows them coming up, then prints the load",
                "balancer's and the API's address and what to try next. Ctrl-C stops everything.",
                "With --docker the web instances are containers of the machines' Docker engine.",
                "Every run starts afresh: the data directory of the previous run is removed."},
        footer = {"", "Example:", "  bin/flotilla demo"})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".flotilla/demo",
            description = "Where the machines, the database and the env file live; emptied at start "
                    + "(default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--first-ip", paramLabel = "IP", defaultValue = DevCluster.DEFAULT_FIRST_IP,
            description = "The first machine's loopback address; the other three follow (default: ${DEFAULT-VALUE}).")
    String firstIp;

    @Option(names = "--api-port", paramLabel = "PORT", defaultValue = "" + DaemonLauncher.DEFAULT_API_PORT,
            description = "The API port of every machine; 0 picks free ports (default: ${DEFAULT-VALUE}).")
    int apiPort;

    @Option(names = "--lb-port", paramLabel = "PORT", defaultValue = "18000",
            description = "The load balancer's port, on the first machine's address (default: ${DEFAULT-VALUE}).")
    int lbPort;

    @Option(names = "--sql", paramLabel = "FILE",
            description = "A SQL dump for the loader instead of the built-in small dataset, e.g. the tutorial's "
                    + "world_innodb.sql.")
    Path sql;

    @Option(names = "--world-dir", paramLabel = "DIR",
            description = "The world app's directory, with units/exec and target/world.jar (default: "
                    + "examples/world of the checkout this CLI was built in).")
    Path worldDir;

    @Option(names = "--docker",
            description = "Docker mode for the web tier: web@01..10 as .container units (units/docker/web@.container) "
                    + "run by the machines' Docker engine on the host network, world.jar mounted into a Java image; "
                    + "db, dbhelper and lb stay processes.")
    boolean docker;

    @Option(names = "--web-image", paramLabel = "IMAGE",
            description = "With --docker: the local image the web containers run (java on its PATH), instead of the "
                    + "unit file's eclipse-temurin:25-jre. It is never pulled.")
    String webImage;

    @Mixin
    LogOptions log;

    @Override
    public Integer call() {
        return Demo.run(this);
    }
}
