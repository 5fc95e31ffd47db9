package dev.flotilla.cli;

import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
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
        subcommands = {KvCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Run 'flotilla COMMAND --help' for a command's options. Set FLOTILLA_DEBUG=1 to see stack traces."})
public final class Main implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code; never calls {@link System#exit}. */
    static int run(String... args) {
        quietJavaUtilLogging();
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler(ErrorReporting::onBadInput);
        cli.setExecutionExceptionHandler(ErrorReporting::onFailure);
        cli.setExitCodeExceptionMapper(t -> ExitCodes.INTERNAL);
        return cli.execute(args);
    }

    /** gRPC and Netty log through java.util.logging, which would print warnings over our one-line errors. */
    private static void quietJavaUtilLogging() {
        LogManager.getLogManager().reset();
        Logger.getLogger("").setLevel(System.getenv("FLOTILLA_DEBUG") != null ? Level.WARNING : Level.OFF);
    }
}
