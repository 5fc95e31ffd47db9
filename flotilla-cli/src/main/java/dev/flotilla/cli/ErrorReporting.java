package dev.flotilla.cli;

import java.io.PrintWriter;

import dev.flotilla.store.StoreException;
import dev.flotilla.store.TransientStoreException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** Turns every failure into one line on stderr, naming the command, and an exit code. */
final class ErrorReporting {

    private ErrorReporting() {
    }

    static int onBadInput(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        cmd.getErr().println(name + ": " + e.getMessage() + " (see '" + name + " --help')");
        return ExitCodes.USAGE;
    }

    static int onFailure(Exception e, CommandLine cmd, ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        int code;
        String message;
        switch (e) {
            case CliException cli -> {
                code = cli.exitCode();
                message = cli.getMessage();
            }
            case TransientStoreException t -> {
                code = ExitCodes.USAGE;
                message = t.getMessage();
            }
            case StoreException s -> {
                code = ExitCodes.USAGE;
                message = s.getMessage();
            }
            default -> {
                code = ExitCodes.INTERNAL;
                message = "internal error: " + e + " (set FLOTILLA_DEBUG=1 for the stack trace)";
            }
        }
        err.println(name + ": " + message);
        if (System.getenv("FLOTILLA_DEBUG") != null) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }
}
