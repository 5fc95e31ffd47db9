package dev.flotilla.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code flotilla agent}: run this machine's agent (with its engine and API server) until stopped.
 * The work is in {@link DaemonLauncher}, so that only this command loads the server side.
 */
@Command(name = "agent", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Run this machine's agent: it joins the cluster, runs its units, and serves the API.",
        description = {
                "Joins the cluster whose state is in etcd (--etcd), runs the units the engine places here, may",
                "lead the engine, and serves the API. Prints 'API: http://ADDR:PORT' once it serves.",
                "The API listens on the --ip address when that is a loopback one or a token is given, else on",
                "127.0.0.1, unless --api says otherwise; off loopback it needs a token",
                "(--token-file or $FLOTILLA_TOKEN), and should be served over TLS (--tls-cert-file, --tls-key-file).",
                "Stopping it (Ctrl-C, SIGTERM) leaves its units running: an agent started again with the same",
                "--data-dir adopts them. If none comes back within the lease TTL, the cluster moves them."},
        footer = {"", "Example:",
                "  flotilla agent --etcd http://10.0.0.5:2379 --ip 10.0.0.11 --metadata region=us,disk=ssd",
                "  flotilla agent --etcd https://10.0.0.5:2379 --etcd-ca-file ca.crt --ip 10.0.0.11 --api 10.0.0.11:7070 \\",
                "      --token-file /etc/flotilla/token --tls-cert-file api.crt --tls-key-file api.key"})
final class AgentCommand implements Callable<Integer> {

    @Mixin
    EtcdOptions etcd;

    @Option(names = "--ip", required = true, paramLabel = "ADDR",
            description = "This machine's public IP: where users and other machines reach it, and the API's address.")
    String ip;

    @Option(names = "--metadata", paramLabel = "K=V[,K=V...]", split = ",",
            description = "Machine metadata that units select with MachineMetadata=, e.g. region=us,disk=ssd.")
    List<String> metadata;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where the agent keeps its machine ID and its units' state (default: /var/lib/flotilla as root, "
                    + "else ~/.flotilla/agent).")
    Path dataDir;

    @Option(names = "--api", paramLabel = "ADDR:PORT",
            description = "Where to serve the API (default: the --ip address, port " + DaemonLauncher.DEFAULT_API_PORT
                    + ", when it is a loopback address or a token is given; else 127.0.0.1). A non-loopback address needs "
                    + "a token; 0.0.0.0 serves every address, registered as the --ip one.")
    String api;

    @Mixin
    ServeOptions serve;

    @Mixin
    LogOptions log;

    @Option(names = "--lease-ttl", paramLabel = "SECONDS", defaultValue = "3",
            description = "Seconds without a heartbeat after which the cluster takes this machine for dead and moves "
                    + "its units (default: ${DEFAULT-VALUE}).")
    int leaseTtlSeconds;

    @Override
    public Integer call() {
        return DaemonLauncher.runAgent(this);
    }
}
