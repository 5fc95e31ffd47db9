package dev.flotilla.unit;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A unit's {@code [X-Service]} section, parsed and checked: the service its agent registers while
 * the unit is active on a machine, where it listens, and how the agent checks its health (docs/services.md).
 * Values were %-expanded with the unit's name ({@code %n %N %p %i}), so {@code Port=180%i} is 18001 for
 * {@code web@01.service}. Immutable.
 *
 * @param name {@code Name=}: the service name ({@value #NAME_REGEX})
 * @param port {@code Port=}: 1..65535
 * @param address {@code Address=}: an IP address or host name; empty means the machine's public IP
 * @param tags {@code Tags=}: words for clients to select on, in order
 * @param check at most one of {@code CheckHTTP=}, {@code CheckTCP=}, {@code CheckCommand=}; empty means
 *     the endpoint's health follows the unit (active is passing)
 * @param checkInterval {@code CheckInterval=}: time between checks (default 10 s)
 * @param checkTimeout {@code CheckTimeout=}: how long one check may take (default 2 s)
 * @param expectStatus {@code CheckExpectStatus=}: the HTTP statuses that pass (default 2xx)
 * @param expectBodySha1 {@code CheckExpectBodySHA1=}: the SHA-1 (40 lowercase hex digits) the whole
 *     HTTP response body must have
 * @param drainDelay {@code DrainDelay=}: on a stop, how long the endpoint is gone before the process
 *     is signalled (default 1 s; zero allowed)
 * @param deregisterAfter {@code DeregisterAfter=}: critical this long, the endpoint is removed from the
 *     registry (checks go on; it returns on passing); empty means never
 */
public record ServiceSpec(String name, int port, Optional<String> address, List<String> tags, Optional<Check> check,
        Duration checkInterval, Duration checkTimeout, StatusExpectation expectStatus,
        Optional<String> expectBodySha1, Duration drainDelay, Optional<Duration> deregisterAfter) {

    /** What a service name must match (the registry's rule, docs/key-layout.md). */
    public static final String NAME_REGEX = "[a-z0-9][a-z0-9-]{0,62}";
    /** {@code CheckInterval=} when not given. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    /** {@code CheckTimeout=} when not given. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    /** {@code DrainDelay=} when not given. */
    public static final Duration DEFAULT_DRAIN_DELAY = Duration.ofSeconds(1);

    private static final Pattern NAME = Pattern.compile(NAME_REGEX);
    private static final Pattern SHA1 = Pattern.compile("[0-9a-f]{40}");

    /** How the agent checks an endpoint. */
    public sealed interface Check {
        /**
         * {@code CheckHTTP=}: a GET of a path on the endpoint ({@code /health}) or of a full URL.
         *
         * @param target a path starting with {@code /}, or an absolute http(s) URL
         */
        record Http(String target) implements Check {
            /** Checks the target's form. */
            public Http {
                Objects.requireNonNull(target, "target");
                if (!target.startsWith("/")) {
                    URI uri = URI.create(target);
                    if (!Set.of("http", "https").contains(String.valueOf(uri.getScheme())) || uri.getHost() == null) {
                        throw new IllegalArgumentException("not an http(s) URL with a host: " + target);
                    }
                }
            }

            /** The URL to GET for an endpoint at {@code host}:{@code port}. */
            public URI uri(String host, int port) {
                if (!target.startsWith("/")) {
                    return URI.create(target);
                }
                String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
                return URI.create("http://" + h + ":" + port + target);
            }
        }

        /**
         * {@code CheckTCP=}: a TCP connection that opens passes.
         *
         * @param host the host to connect to; empty for the endpoint's address
         * @param port the port; empty for the endpoint's port
         */
        record Tcp(Optional<String> host, OptionalInt port) implements Check {
            /** Checks that host and port are both given or both absent. */
            public Tcp {
                Objects.requireNonNull(host, "host");
                Objects.requireNonNull(port, "port");
                if (host.isPresent() != port.isPresent()) {
                    throw new IllegalArgumentException("give both host and port, or neither");
                }
            }
        }

        /**
         * {@code CheckCommand=}: a command whose exit status is the verdict (0 passing, 1 warning, else critical).
         *
         * @param argv the program and its arguments, split with systemd's quoting
         */
        record Command(List<String> argv) implements Check {
            /** Copies the arguments; there must be a program. */
            public Command {
                argv = List.copyOf(argv);
                if (argv.isEmpty()) {
                    throw new IllegalArgumentException("a command needs a program");
                }
            }
        }
    }

    /**
     * The HTTP statuses a check accepts: single codes and whole classes ({@code 2xx}).
     *
     * @param codes accepted single statuses
     * @param classes accepted hundreds (2 for {@code 2xx})
     */
    public record StatusExpectation(Set<Integer> codes, Set<Integer> classes) {

        /** Any 2xx: the default. */
        public static final StatusExpectation SUCCESS = new StatusExpectation(Set.of(), Set.of(2));

        /** Copies the sets. */
        public StatusExpectation {
            codes = Set.copyOf(codes);
            classes = Set.copyOf(classes);
        }

        /** Whether {@code status} is accepted. */
        public boolean accepts(int status) {
            return codes.contains(status) || classes.contains(status / 100);
        }
    }

    /**
     * Validates the section and copies its tags.
     *
     * @throws IllegalArgumentException when a value breaks its rule
     */
    public ServiceSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(expectStatus, "expectStatus");
        Objects.requireNonNull(expectBodySha1, "expectBodySha1");
        Objects.requireNonNull(deregisterAfter, "deregisterAfter");
        if (!isValidName(name)) {
            throw new IllegalArgumentException("\"" + name + "\" is not a service name");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not in 1..65535");
        }
        tags = List.copyOf(tags);
        requirePositive("checkInterval", checkInterval);
        requirePositive("checkTimeout", checkTimeout);
        if (drainDelay.isNegative()) {
            throw new IllegalArgumentException("drainDelay must not be negative");
        }
        deregisterAfter.ifPresent(d -> requirePositive("deregisterAfter", d));
        expectBodySha1.ifPresent(d -> {
            if (!SHA1.matcher(d).matches()) {
                throw new IllegalArgumentException("not a SHA-1 digest (40 lowercase hex digits): " + d);
            }
        });
    }

    /**
     * Reads and checks the {@code [X-Service]} section of {@code file} for unit {@code unit}.
     *
     * @param file the parsed unit file
     * @param unit the name the unit runs under (an instance name for instances), for %-expansion
     * @return empty when the file has no {@code [X-Service]} section
     * @throws UnitParseException naming the line and column: a second section, an unknown key (with a
     *     suggestion), a missing {@code Name=} or {@code Port=}, a malformed value, or two checks
     */
    public static Optional<ServiceSpec> parse(UnitFile file, UnitName unit) {
        return ServiceSpecParser.parse(Objects.requireNonNull(file, "file"), Objects.requireNonNull(unit, "unit"));
    }

    /** Whether {@code name} is a valid service name ({@value #NAME_REGEX}). */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    private static void requirePositive(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive");
        }
    }
}
