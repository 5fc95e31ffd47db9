package dev.flotilla.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
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
 *
 * <p>The subcommands are in {@link #SUBCOMMANDS}, not in {@code @Command(subcommands = ...)}: picocli builds a
 * command's model by reflection over its annotations, and building all of them cost a fleet command more than
 * its own work. {@link #run} builds only the one the arguments name (none for {@code --version}; all of them for
 * the usage help, {@code help} and a name it does not know, so that picocli's messages list them all).
 */
@Command(name = "flotilla",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        usageHelpAutoWidth = true,
        header = "Flotilla: run systemd-style units and containers across a cluster of machines.",
        description = {
                "The successor to CoreOS fleet: state in etcd, a leader-elected engine that places units,",
                "an agent on every machine that runs them."},
        footer = {"", "The fleet commands (list-machines ... inspect, events) talk to any agent's API: --endpoint, else",
                "$FLOTILLA_ENDPOINT, else $FLEETCTL_ENDPOINT, else " + ApiOptions.DEFAULT_ENDPOINT + ".",
                "An agent with a token wants it: --token-file, else $FLOTILLA_TOKEN, else ~/.flotilla/token.",
                "Run 'flotilla COMMAND --help' for a command's options. Set FLOTILLA_DEBUG=1 to see stack traces."})
public final class Main implements Runnable {

    /** Every subcommand by its name (each class's {@code @Command(name)}), in the order the usage help lists them. */
    static final Map<String, Class<?>> SUBCOMMANDS = subcommands(
            ListMachinesCommand.class, "list-machines", ListUnitsCommand.class, "list-units",
            ListUnitFilesCommand.class, "list-unit-files", SubmitCommand.class, "submit", LoadCommand.class, "load",
            StartCommand.class, "start", StopCommand.class, "stop", UnloadCommand.class, "unload",
            RestartCommand.class, "restart", DestroyCommand.class, "destroy", CatCommand.class, "cat",
            StatusCommand.class, "status", JournalCommand.class, "journal", InspectCommand.class, "inspect",
            EventsCommand.class, "events", DrainMachineCommands.Drain.class, "drain-machine",
            DrainMachineCommands.Undrain.class, "undrain-machine",
            AgentCommand.class, "agent", DevCommand.class, "dev", DemoCommand.class, "demo",
            KvCommand.class, "kv", ServicesCommand.class, "services", LbCommand.class, "lb",
            CommandLine.HelpCommand.class, "help");

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
        String[] normalized = LegacyFlags.normalize(args);
        CommandLine cli = new CommandLine(new Main());
        String name = commandName(cli.getCommandSpec(), normalized);
        Class<?> chosen = SUBCOMMANDS.get(name);
        if (chosen != null && chosen != CommandLine.HelpCommand.class) {
            cli.addSubcommand(chosen);
        } else if (name != null || !versionOnly(normalized)) {
            SUBCOMMANDS.forEach(cli::addSubcommand);
        }
        // Tables, messages and cat's file are UTF-8 whatever the locale says (cat must print the bytes submitted).
        cli.setOut(new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), true));
        cli.setErr(new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8), true));
        cli.setParameterExceptionHandler(ErrorReporting::onBadInput);
        cli.setExecutionExceptionHandler(ErrorReporting::onFailure);
        cli.setExitCodeExceptionMapper(t -> ExitCodes.INTERNAL);
        return cli.execute(normalized);
    }

    /**
     * The first argument that is neither a global option nor its value: the subcommand's name, if the user gave
     * one; null when there is none.
     */
    static String commandName(CommandSpec main, String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                return null;
            }
            if (!arg.startsWith("-")) {
                return arg;
            }
            CommandLine.Model.OptionSpec option = arg.contains("=") ? null : main.findOption(arg);
            if (option != null && option.arity().max() > 0) {
                i++;
            }
        }
        return null;
    }

    /** Whether the arguments ask for the version and not for help: then no subcommand is needed at all. */
    private static boolean versionOnly(String[] args) {
        boolean version = false;
        for (String arg : args) {
            if (arg.equals("-h") || arg.equals("--help")) {
                return false;
            }
            version |= arg.equals("-V") || arg.equals("--version");
        }
        return version;
    }

    private static Map<String, Class<?>> subcommands(Object... classesAndNames) {
        Map<String, Class<?>> byName = new LinkedHashMap<>();
        for (int i = 0; i < classesAndNames.length; i += 2) {
            byName.put((String) classesAndNames[i + 1], (Class<?>) classesAndNames[i]);
        }
        return Collections.unmodifiableMap(byName);
    }

    /** gRPC and Netty log through java.util.logging, which would print warnings over our one-line errors. */
    private static void quietJavaUtilLogging() {
        LogManager.getLogManager().reset();
        Logger.getLogger("").setLevel(System.getenv("FLOTILLA_DEBUG") != null ? Level.WARNING : Level.OFF);
    }
}
