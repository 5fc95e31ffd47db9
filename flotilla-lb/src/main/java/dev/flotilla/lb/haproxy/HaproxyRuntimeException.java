package dev.flotilla.lb.haproxy;

import java.util.Locale;

/**
 * HAProxy's Runtime API refused a command, or could not be reached. HAProxy answers errors as
 * free text on the same channel as results; {@link HaproxyRuntimeApi} recognises the answers
 * HAProxy gives (2.6, Debian 12's, is the version tested) and sorts them into a {@link Kind}, so
 * callers can react to the ones that are part of normal operation (a server that still has
 * connections cannot be deleted yet) without matching strings themselves.
 */
public final class HaproxyRuntimeException extends RuntimeException {

    /** What went wrong, as far as HAProxy's answer tells. */
    public enum Kind {
        /** The socket could not be connected, written or read (HAProxy down, wrong path, timeout). */
        UNREACHABLE,
        /** "No such backend." / "Can't find backend." */
        NO_SUCH_BACKEND,
        /** "No such server." */
        NO_SUCH_SERVER,
        /** "Already exists a server with the same name in backend." */
        SERVER_EXISTS,
        /** "Only servers in maintenance mode can be deleted." */
        NOT_IN_MAINTENANCE,
        /** "Server still has connections attached to it, cannot remove it." */
        STILL_HAS_CONNECTIONS,
        /** "Backend must use a dynamic load balancing to support dynamic servers." (static-rr, first...) */
        BACKEND_NOT_DYNAMIC,
        /** "Permission denied": the socket's level is not {@code admin}. */
        PERMISSION_DENIED,
        /** "Unknown command": this HAProxy does not know the command (older than 2.4?). */
        UNKNOWN_COMMAND,
        /** Any other answer that is not the command's success answer (bad arguments, for instance). */
        REFUSED
    }

    private final Kind kind;
    private final String command;
    private final String answer;

    HaproxyRuntimeException(Kind kind, String command, String answer, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.command = command;
        this.answer = answer;
    }

    /** An answer HAProxy gave to {@code command} that is not its success answer. */
    static HaproxyRuntimeException refused(String socket, String command, String answer) {
        Kind kind = classify(answer);
        String shown = answer.isBlank() ? "(an empty answer)" : "'" + oneLine(answer) + "'";
        return new HaproxyRuntimeException(kind, command, answer,
                "HAProxy at " + socket + " refused '" + command + "': " + shown, null);
    }

    /** The socket could not be used. */
    static HaproxyRuntimeException unreachable(String socket, String command, String problem, Throwable cause) {
        return new HaproxyRuntimeException(Kind.UNREACHABLE, command, "",
                "HAProxy's Runtime API at " + socket + " is unreachable (" + problem + ") running '" + command + "'",
                cause);
    }

    static Kind classify(String answer) {
        String text = answer.strip().toLowerCase(Locale.ROOT);
        if (text.startsWith("no such backend") || text.startsWith("can't find backend")) {
            return Kind.NO_SUCH_BACKEND;
        } else if (text.startsWith("no such server")) {
            return Kind.NO_SUCH_SERVER;
        } else if (text.startsWith("already exists a server")) {
            return Kind.SERVER_EXISTS;
        } else if (text.startsWith("only servers in maintenance mode")) {
            return Kind.NOT_IN_MAINTENANCE;
        } else if (text.contains("still has connections")) {
            return Kind.STILL_HAS_CONNECTIONS;
        } else if (text.contains("dynamic load balancing")) {
            return Kind.BACKEND_NOT_DYNAMIC;
        } else if (text.startsWith("permission denied")) {
            return Kind.PERMISSION_DENIED;
        } else if (text.startsWith("unknown command")) {
            return Kind.UNKNOWN_COMMAND;
        }
        return Kind.REFUSED;
    }

    private static String oneLine(String answer) {
        String line = answer.strip().replaceAll("\\s*\\n\\s*", " / ");
        return line.length() <= 300 ? line : line.substring(0, 300) + "...";
    }

    public Kind kind() {
        return kind;
    }

    /** The command as sent, without its newline. */
    public String command() {
        return command;
    }

    /** HAProxy's whole answer (empty when it was unreachable). */
    public String answer() {
        return answer;
    }
}
