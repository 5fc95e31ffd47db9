package dev.flotilla.cli;

import picocli.CommandLine.Option;

/** How {@code agent} and {@code dev} write their log on stderr: {@code --log-format text|logfmt|json}. */
final class LogOptions {

    static final String ENVIRONMENT = "FLOTILLA_LOG_FORMAT";

    @Option(names = "--log-format", paramLabel = "FORMAT",
            description = "How to write the log on stderr: text (for people, the default), logfmt or json (one object "
                    + "per line, with the machine and unit each line is about). Default: $FLOTILLA_LOG_FORMAT, else text.")
    String format;

    /** The format asked for: the flag, else the environment, else {@code text}; checked. */
    String chosen() {
        String raw = format != null ? format : System.getenv(ENVIRONMENT);
        String f = raw == null || raw.isBlank() ? "text" : raw.strip().toLowerCase(java.util.Locale.ROOT);
        if (!f.equals("text") && !f.equals("logfmt") && !f.equals("json")) {
            throw new CliException(ExitCodes.USAGE, (format != null ? "--log-format" : "$" + ENVIRONMENT)
                    + " must be text, logfmt or json; got '" + raw + "'");
        }
        return f;
    }
}
