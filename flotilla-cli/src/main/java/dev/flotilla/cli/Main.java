package dev.flotilla.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flotilla}: the command-line entry point. Each subcommand lives in its own class; this
 * class only wires them and turns every failure into one line on stderr and an exit code
 * (see {@link ExitCodes}).
 */
@Command(name = "flotilla",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        usageHelpAutoWidth = true,
        header = "Flotilla: run systemd-style units and containers across a cluster of machines.",
        description = {
                "The successor to CoreOS fleet: state in etcd, a leader-elected engine that places units,",
                "an agent on every machine that runs them."},
        subcommands = {ListMachinesCommand.class, ListUnitsCommand.class, ListUnitFilesCommand.class,
                SubmitCommand.class, LoadCommand.class, StartCommand.class, StopCommand.class, UnloadCommand.class,
                RestartCommand.class, DestroyCommand.class, CatCommand.class, StatusCommand.class, JournalCommand.class,
                InspectCommand.class,
                EventsCommand.class, DrainMachineCommands.Drain.class, DrainMachineCommands.Undrain.class,
                AgentCommand.class, DevCommand.class, DemoCommand.class,
                KvCommand.class, ServicesCommand.class, LbCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "The fleet commands (list-machines ... inspect, events) talk to any agent's API: --endpoint, else",
                "$FLOTILLA_ENDPOINT, else $FLEETCTL_ENDPOINT, else " + ApiOptions.DEFAULT_ENDPOINT + ".",
                "An agent with a token wants it: --token-file, else $FLOTILLA_TOKEN, else ~/.flotilla/token.",
                "Run 'flotilla COMMAND --help' for a command's options. Set FLOTILLA_DEBUG=1 to see stack traces."})
public final class Main implements Runnable {

    @Spec
    CommandSpec spec;

    /** fleetctl's global {@code --endpoint}, given before the command; a command's own flag wins. */
    @Option(names = "--endpoint", paramLabel = "URL",
            description = "The API of any agent of the cluster, for the fleet commands (default: $FLOTILLA_ENDPOINT, "
                    + "else $FLEETCTL_ENDPOINT, else " + ApiOptions.DEFAULT_ENDPOINT + ").")
    String endpoint;

    /** fleetctl's global {@code --request-timeout}, in seconds. */
    @Option(names = "--request-timeout", paramLabel = "SECONDS",
            description = "Give up on a single API request after this many seconds (default: 10).")
    Double requestTimeout;

    /** The token and TLS files, before the command (fleetctl's {@code --ca-file} and friends were global). */
    @Mixin
    AccessOptions access;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code; never calls {@link System#exit}. */
    static int run(String... args) {
        quietJavaUtilLogging();
        CommandLine cli = new CommandLine(new Main());
        // Tables, messages and cat's file are UTF-8 whatever the locale says (cat must print the bytes submitted).
        cli.setOut(new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), true));
        cli.setErr(new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true));
        cli.setParameterExceptionHandler(ErrorReporting::onBadInput);
        cli.setExecutionExceptionHandler(ErrorReporting::onFailure);
        cli.setExitCodeExceptionMapper(t -> ExitCodes.INTERNAL);
        return cli.execute(LegacyFlags.normalize(args));
    }

    /** gRPC and Netty log through java.util.logging, which would print warnings over our one-line errors. */
    private static void quietJavaUtilLogging() {
        LogManager.getLogManager().reset();
        Logger.getLogger("").setLevel(System.getenv("FLOTILLA_DEBUG") != null ? Level.WARNING : Level.OFF);
    }
}
