package dev.flotilla.unit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads {@code [X-Service]}: one pass over the entries in order (the last value wins; empty resets), then the checks. */
final class ServiceSpecParser {

    static final String SECTION = "X-Service";

    static final List<String> KEYS = List.of("Name", "Port", "Address", "Tags", "CheckHTTP", "CheckTCP",
            "CheckCommand", "CheckInterval", "CheckTimeout", "CheckExpectStatus", "CheckExpectBodySHA1", "DrainDelay",
            "DeregisterAfter");
    private static final List<String> CHECKS = List.of("CheckHTTP", "CheckTCP", "CheckCommand");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern DIGITS = Pattern.compile("\\d+");
    private static final Pattern STATUS_CLASS = Pattern.compile("[1-5][xX][xX]");

    private final UnitFile file;
    private final UnitName unit;
    /** The assignment that set each key last (only keys currently set). */
    private final Map<String, UnitElement.Assignment> setBy = new LinkedHashMap<>();
    private String name;
    private int port;
    private Optional<String> address = Optional.empty();
    private final List<String> tags = new ArrayList<>();
    private Optional<ServiceSpec.Check> check = Optional.empty();
    private Duration interval = ServiceSpec.DEFAULT_INTERVAL;
    private Duration timeout = ServiceSpec.DEFAULT_TIMEOUT;
    private ServiceSpec.StatusExpectation expect = ServiceSpec.StatusExpectation.SUCCESS;
    private Optional<String> sha1 = Optional.empty();
    private Duration drain = ServiceSpec.DEFAULT_DRAIN_DELAY;
    private Optional<Duration> deregister = Optional.empty();

    private ServiceSpecParser(UnitFile file, UnitName unit) {
        this.file = file;
        this.unit = unit;
    }

    static Optional<ServiceSpec> parse(UnitFile file, UnitName unit) {
        List<UnitElement.SectionHeader> headers = file.elements().stream()
                .filter(e -> e instanceof UnitElement.SectionHeader h && h.name().equals(SECTION))
                .map(e -> (UnitElement.SectionHeader) e).toList();
        if (headers.isEmpty()) {
            return Optional.empty();
        }
        if (headers.size() > 1) {
            throw new UnitParseException(file.source(), headers.get(1).line(), 1, "a second [X-Service] section"
                    + " (the first is at line " + headers.getFirst().line() + "); a unit registers one service");
        }
        List<UnitElement.Assignment> entries = file.assignments(SECTION);
        rejectUnknown(file, entries);
        ServiceSpecParser p = new ServiceSpecParser(file, unit);
        for (UnitElement.Assignment a : entries) {
            p.apply(a);
        }
        return Optional.of(p.build(headers.getFirst()));
    }

    private static void rejectUnknown(UnitFile file, List<UnitElement.Assignment> entries) {
        for (UnitElement.Assignment a : entries) {
            if (!KEYS.contains(a.key())) {
                String hint = Text.suggest(a.key(), KEYS);
                int[] pos = Lines.keyPosition(a);
                throw new UnitParseException(file.source(), pos[0], pos[1], "unknown option " + a.key()
                        + " in [X-Service]" + (hint == null ? "" : " (did you mean " + hint + "?)") + "; known: "
                        + String.join(", ", KEYS));
            }
        }
    }

    private void apply(UnitElement.Assignment a) {
        String value;
        try {
            value = Specifiers.expandForScheduling(a.value(), unit);
        } catch (SpecifierException e) {
            throw error(a, e.offset(), a.key() + ": " + e.reason());
        }
        boolean verbatim = value.equals(a.value());
        if (value.isEmpty() && !a.key().equals("CheckTCP")) {
            reset(a.key());
            setBy.remove(a.key());
            return;
        }
        try {
            switch (a.key()) {
                case "Name" -> name = serviceName(value);
                case "Port" -> port = port(value);
                case "Address" -> address = Optional.of(address(value));
                case "Tags" -> tags.addAll(words(value));
                case "CheckHTTP" -> check = Optional.of(http(value));
                case "CheckTCP" -> check = Optional.of(tcp(value));
                case "CheckCommand" -> check = Optional.of(new ServiceSpec.Check.Command(command(value)));
                case "CheckInterval" -> interval = positive(value);
                case "CheckTimeout" -> timeout = positive(value);
                case "CheckExpectStatus" -> expect = statuses(value);
                case "CheckExpectBodySHA1" -> sha1 = Optional.of(sha1(value));
                case "DrainDelay" -> drain = span(value, false);
                case "DeregisterAfter" -> deregister = never(value) ? Optional.empty() : Optional.of(positive(value));
                default -> throw new AssertionError(a.key());
            }
        } catch (ValueSyntaxException e) {
            throw error(a, verbatim ? e.offset() : 0, a.key() + ": " + e.reason());
        }
        if (CHECKS.contains(a.key())) {
            for (String other : CHECKS) {
                UnitElement.Assignment earlier = setBy.get(other);
                if (!other.equals(a.key()) && earlier != null) {
                    int[] pos = Lines.keyPosition(a);
                    throw new UnitParseException(file.source(), pos[0], pos[1], a.key() + "= and " + other
                            + "= (line " + earlier.line() + ") both given: an endpoint has at most one check");
                }
            }
        }
        setBy.put(a.key(), a);
    }

    private void reset(String key) {
        switch (key) {
            case "Name" -> name = null;
            case "Port" -> port = 0;
            case "Address" -> address = Optional.empty();
            case "Tags" -> tags.clear();
            case "CheckHTTP", "CheckCommand" -> check = Optional.empty();
            case "CheckInterval" -> interval = ServiceSpec.DEFAULT_INTERVAL;
            case "CheckTimeout" -> timeout = ServiceSpec.DEFAULT_TIMEOUT;
            case "CheckExpectStatus" -> expect = ServiceSpec.StatusExpectation.SUCCESS;
            case "CheckExpectBodySHA1" -> sha1 = Optional.empty();
            case "DrainDelay" -> drain = ServiceSpec.DEFAULT_DRAIN_DELAY;
            case "DeregisterAfter" -> deregister = Optional.empty();
            default -> throw new AssertionError(key);
        }
    }

    private ServiceSpec build(UnitElement.SectionHeader header) {
        if (name == null) {
            throw new UnitParseException(file.source(), header.line(), 1, "[X-Service] needs Name= (the service"
                    + " name, e.g. Name=web)");
        }
        if (port == 0) {
            throw new UnitParseException(file.source(), header.line(), 1, "[X-Service] needs Port= (the port the"
                    + " unit listens on, e.g. Port=180%i)");
        }
        boolean http = check.orElse(null) instanceof ServiceSpec.Check.Http;
        for (String key : List.of("CheckExpectStatus", "CheckExpectBodySHA1")) {
            UnitElement.Assignment a = setBy.get(key);
            if (a != null && !http) {
                int[] pos = Lines.keyPosition(a);
                throw new UnitParseException(file.source(), pos[0], pos[1], key + "= applies to CheckHTTP=, which"
                        + " this section does not have");
            }
        }
        return new ServiceSpec(name, port, address, tags, check, interval, timeout, expect, sha1, drain, deregister);
    }

    private static String serviceName(String value) {
        if (!ServiceSpec.isValidName(value)) {
            throw new ValueSyntaxException(0, Text.quote(value) + " is not a service name: lower-case letters,"
                    + " digits and '-', starting with a letter or digit, at most 63 characters");
        }
        return value;
    }

    private static int port(String value) {
        if (!DIGITS.matcher(value).matches() || value.length() > 5 || Integer.parseInt(value) < 1
                || Integer.parseInt(value) > 65535) {
            throw new ValueSyntaxException(0, "expected a port number 1..65535, got " + Text.quote(value));
        }
        return Integer.parseInt(value);
    }

    private static String address(String value) {
        boolean ok;
        if (value.contains(":")) {
            ok = value.matches("[0-9A-Fa-f:.]+");
        } else if (IPV4.matcher(value).matches()) {
            ok = java.util.Arrays.stream(value.split("\\.")).allMatch(o -> Integer.parseInt(o) <= 255);
        } else {
            ok = HOST.matcher(value).matches();
        }
        if (!ok) {
            throw new ValueSyntaxException(0, "expected an IP address or a host name, got " + Text.quote(value));
        }
        return value;
    }

    private static List<String> words(String value) {
        List<String> out = new ArrayList<>();
        for (String w : value.split("[\\s,]+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    private static ServiceSpec.Check.Http http(String value) {
        try {
            return new ServiceSpec.Check.Http(value);
        } catch (IllegalArgumentException e) {
            throw new ValueSyntaxException(0, "expected a path (/health) or a full http(s) URL, got "
                    + Text.quote(value));
        }
    }

    private static ServiceSpec.Check.Tcp tcp(String value) {
        if (value.isEmpty() || value.equalsIgnoreCase("yes")) {
            return new ServiceSpec.Check.Tcp(Optional.empty(), OptionalInt.empty());
        }
        int colon = value.lastIndexOf(':');
        if (colon <= 0) {
            throw new ValueSyntaxException(0, "expected host:port, or empty or yes for the endpoint's own"
                    + " address and port, got " + Text.quote(value));
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int p;
        try {
            p = port(value.substring(colon + 1));
        } catch (ValueSyntaxException e) {
            throw new ValueSyntaxException(colon + 1, e.reason());
        }
        return new ServiceSpec.Check.Tcp(Optional.of(address(host)), OptionalInt.of(p));
    }

    private static List<String> command(String value) {
        List<String> argv = SystemdQuoting.split(value);
        if (argv.isEmpty()) {
            throw new ValueSyntaxException(0, "expected a command line");
        }
        return argv;
    }

    private static ServiceSpec.StatusExpectation statuses(String value) {
        Set<Integer> codes = new HashSet<>();
        Set<Integer> classes = new HashSet<>();
        int offset = 0;
        for (String w : value.split("[\\s,]", -1)) {
            if (!w.isEmpty()) {
                if (STATUS_CLASS.matcher(w).matches()) {
                    classes.add(w.charAt(0) - '0');
                } else if (DIGITS.matcher(w).matches() && w.length() == 3 && Integer.parseInt(w) >= 100
                        && Integer.parseInt(w) <= 599) {
                    codes.add(Integer.parseInt(w));
                } else {
                    throw new ValueSyntaxException(offset, "expected HTTP statuses (100..599) or classes (2xx),"
                            + " e.g. \"200 204\" or \"2xx\", got " + Text.quote(w));
                }
            }
            offset += w.length() + 1;
        }
        return new ServiceSpec.StatusExpectation(codes, classes);
    }

    private static String sha1(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        if (!v.matches("[0-9a-f]{40}")) {
            throw new ValueSyntaxException(0, "expected a SHA-1 digest (40 hex digits), got " + Text.quote(value)
                    + " (" + value.length() + " characters)");
        }
        return v;
    }

    private static boolean never(String value) {
        return value.equalsIgnoreCase("infinity") || value.equalsIgnoreCase("never");
    }

    private static Duration positive(String value) {
        return span(value, true);
    }

    private static Duration span(String value, boolean positive) {
        TimeSpan t;
        try {
            t = TimeSpan.parse(value);
        } catch (ValueSyntaxException e) {
            throw new ValueSyntaxException(e.offset(), "expected a time span like 10s, 500ms or 1min: "
                    + e.reason());
        }
        if (t.isInfinite() || (positive && t.micros() == 0)) {
            throw new ValueSyntaxException(0, "expected a " + (positive ? "positive " : "") + "finite time span,"
                    + " got " + Text.quote(value));
        }
        return t.toDuration();
    }

    private UnitParseException error(UnitElement.Assignment a, int offset, String reason) {
        int[] pos = Lines.valuePosition(a, offset);
        return new UnitParseException(file.source(), pos[0], pos[1], reason);
    }
}
