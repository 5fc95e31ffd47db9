package dev.flotilla.cli;

import java.io.PrintWriter;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.EndpointUnreachableException;
import dev.flotilla.api.UnauthorizedException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into one line on stderr, naming the command, and an exit code.
 *
 * <p>The store's failures arrive as {@link CliException}s ({@link KvOperations} converts them), so that
 * reporting a fleet command's failure never loads the store's classes.
 */
final class ErrorReporting {

    private ErrorReporting() {
    }

    static int onBadInput(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        cmd.getErr().println(name + ": " + e.getMessage() + " (see '" + name + " --help')");
        cmd.getErr().flush();
        return ExitCodes.USAGE;
    }

    static int onFailure(Exception e, CommandLine cmd, ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        String name = cmd.getCommandSpec().qualifiedName();
        int code;
        String message;
        if (e instanceof CliException cli) {
            code = cli.exitCode();
            message = cli.getMessage();
        } else if (e instanceof UnauthorizedException unauthorized) {
            code = ExitCodes.USAGE;
            message = unauthorized.getMessage() + (unauthorized.tokenSent()
                    ? ": use the token its agents were started with (docs/security.md)"
                    : ": set FLOTILLA_TOKEN, pass --token-file FILE, or write it to ~/.flotilla/token (docs/security.md)");
        } else if (e instanceof EndpointUnreachableException unreachable) {
            code = ExitCodes.USAGE;
            message = unreachable.getMessage();
        } else if (e instanceof ApiException api) {
            code = api.status() == 400 ? ExitCodes.USAGE : ExitCodes.FAILED;
            message = api.getMessage();
        } else {
            code = ExitCodes.INTERNAL;
            message = "internal error: " + e + " (set FLOTILLA_DEBUG=1 for the stack trace)";
        }
        err.println(name + ": " + message);
        if (System.getenv("FLOTILLA_DEBUG") != null) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }
}
