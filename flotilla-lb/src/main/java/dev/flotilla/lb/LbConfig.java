package dev.flotilla.lb;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What one balancer does: the service it fronts, where it listens, how it balances and checks, and where its
 * admin server listens (null: none). Built from the command line by {@code flotilla lb}; the static parsers
 * here turn a bad flag value into an {@link IllegalArgumentException} whose message is the one line the
 * user sees, naming the flag.
 *
 * @param checkPath   the path of the HTTP check ({@code /health}), or null for a TCP connect check
 * @param checkSha1   40 lower-case hex digits the check's body must hash to, or null
 * @param checkTimeout how long one check may take before it fails (2 s: a check still running when the next
 *                     round starts is not started twice)
 * @param threads     how many event loop threads serve connections: one per available processor by default, as
 *                    HAProxy's {@code nbthread}; more threads than cores only add context switches
 */
public record LbConfig(String service, InetSocketAddress listen, Mode mode, Balance balance, String checkPath,
                       String checkSha1, Duration checkInterval, Duration checkTimeout, InetSocketAddress admin,
                       int threads) {

    private static final Pattern SHA1 = Pattern.compile("[0-9a-fA-F]{40}");
    private static final Pattern SPAN = Pattern.compile("(\\d+)(ms|s|m|min|h)?");

    /** HTTP/1.1 proxying (per-request balancing, retries) or plain byte splicing (MySQL and friends). */
    public enum Mode {
        HTTP, TCP;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Mode parse(String value) {
            return switch (value) {
                case "http" -> HTTP;
                case "tcp" -> TCP;
                default -> throw new IllegalArgumentException("--mode: expected http or tcp, got '" + value + "'");
            };
        }
    }

    /** Which passing backend gets the next request (HTTP) or connection (TCP). */
    public enum Balance {
        /** In turn, evenly. */
        ROUND_ROBIN,
        /** The backend with the fewest requests (HTTP) or connections (TCP) in flight; ties in turn. */
        LEAST_CONN;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Balance parse(String value) {
            return switch (value) {
                case "round-robin" -> ROUND_ROBIN;
                case "least-conn" -> LEAST_CONN;
                default -> throw new IllegalArgumentException(
                        "--balance: expected round-robin or least-conn, got '" + value + "'");
            };
        }
    }

    public LbConfig {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(balance, "balance");
        Objects.requireNonNull(checkInterval, "checkInterval");
        Objects.requireNonNull(checkTimeout, "checkTimeout");
        if (checkPath != null && !checkPath.startsWith("/")) {
            throw new IllegalArgumentException("--check-path: expected a path starting with /, got '" + checkPath + "'");
        }
        if (checkSha1 != null) {
            checkSha1 = sha1(checkSha1);
            if (checkPath == null) {
                throw new IllegalArgumentException("--check-sha1 needs --check-path: a TCP check has no body to hash");
            }
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads: expected at least 1, got " + threads);
        }
        if (checkInterval.toMillis() < 100) {
            throw new IllegalArgumentException("--check-interval: expected at least 100ms, got " + checkInterval.toMillis() + "ms");
        }
    }

    /**
     * A configuration with the defaults: round-robin, TCP connect checks every 2 s, no admin server, one event loop
     * per available processor.
     */
    public static LbConfig of(String service, InetSocketAddress listen, Mode mode) {
        return new LbConfig(service, listen, mode, Balance.ROUND_ROBIN, null, null, Duration.ofSeconds(2),
                Duration.ofSeconds(2), null, Runtime.getRuntime().availableProcessors());
    }

    public LbConfig withBalance(Balance value) {
        return new LbConfig(service, listen, mode, value, checkPath, checkSha1, checkInterval, checkTimeout, admin, threads);
    }

    public LbConfig withCheck(String path, String sha1, Duration interval) {
        return new LbConfig(service, listen, mode, balance, path, sha1, interval, checkTimeout, admin, threads);
    }

    public LbConfig withAdmin(InetSocketAddress value) {
        return new LbConfig(service, listen, mode, balance, checkPath, checkSha1, checkInterval, checkTimeout, value, threads);
    }

    public LbConfig withThreads(int value) {
        return new LbConfig(service, listen, mode, balance, checkPath, checkSha1, checkInterval, checkTimeout, admin, value);
    }

    /** {@code value} as 40 lower-case hex digits. */
    public static String sha1(String value) {
        if (!SHA1.matcher(value).matches()) {
            throw new IllegalArgumentException("--check-sha1: expected 40 hex digits, got '" + value + "'");
        }
        return value.toLowerCase(Locale.ROOT);
    }

    /**
     * {@code HOST:PORT} ({@code [v6]:PORT} for IPv6) as an unresolved-if-need-be socket address.
     *
     * @param flag the flag named in the error, e.g. {@code --listen}
     */
    public static InetSocketAddress hostPort(String flag, String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new IllegalArgumentException(flag + ": expected HOST:PORT, got '" + value + "'");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": expected HOST:PORT, got '" + value + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(flag + ": port " + port + " is not in 0..65535 ('" + value + "')");
        }
        return new InetSocketAddress(host, port);
    }

    /** A time span as systemd writes short ones: {@code 500ms}, {@code 2s} (a bare number is seconds), {@code 1m}, {@code 1h}. */
    public static Duration duration(String flag, String value) {
        var m = SPAN.matcher(value.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(flag + ": expected a time span like 500ms, 2s or 1m, got '" + value + "'");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m", "min" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }
}
