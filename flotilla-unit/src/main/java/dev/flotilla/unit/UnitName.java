package dev.flotilla.unit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A valid unit name, by fleet's rules: at most 256 characters of {@code A-Z a-z 0-9 : _ . @ -}
 * (and {@code \}, which systemd and fleet allow for escapes such as {@code \x2d}), not starting
 * with {@code @}, ending in a known type ({@link #KNOWN_TYPES}). Three kinds: plain
 * ({@code db.service}), template ({@code web@.service}) and instance ({@code web@01.service});
 * the first {@code @} splits prefix from instance, the last {@code .} starts the type.
 *
 * <p>The constructor takes a complete name; {@link #parse(String)} also appends {@code .service} to
 * a name without a known type, as fleetctl does. Immutable; ordered by name.
 *
 * @param name the full name, e.g. {@code web@01.service}
 */
public record UnitName(String name) implements Comparable<UnitName> {

    /** Longest name fleet accepts. */
    public static final int MAX_LENGTH = 256;

    /** The unit types (suffixes without the dot) a name may end in; {@code container} is Quadlet's. */
    public static final List<String> KNOWN_TYPES = List.of("service", "socket", "device", "mount",
            "automount", "swap", "target", "path", "timer", "slice", "scope", "container");

    /** Type appended by {@link #parse(String)} when a name has none. */
    public static final String DEFAULT_TYPE = "service";

    private static final String ALLOWED = "A-Z a-z 0-9 : _ . @ - \\";

    /** The kind of a unit name. */
    public enum Kind {
        /** {@code db.service}: no {@code @}. */
        PLAIN,
        /** {@code web@.service}: an {@code @} with nothing between it and the type. */
        TEMPLATE,
        /** {@code web@01.service}: an instance of the template {@code web@.service}. */
        INSTANCE
    }

    /**
     * Validates a complete name.
     *
     * @throws InvalidUnitNameException naming the bad character and its 1-based position, or saying
     *     why the whole name is wrong (empty, too long, unknown type, empty prefix)
     */
    public UnitName {
        Objects.requireNonNull(name, "name");
        validate(name);
    }

    /**
     * Parses a name as a user types it: {@code .service} is appended when the name does not end
     * in a known type ({@code web@01} becomes {@code web@01.service}).
     *
     * @throws InvalidUnitNameException when the (completed) name is invalid
     */
    public static UnitName parse(String raw) {
        Objects.requireNonNull(raw, "raw");
        return new UnitName(hasKnownType(raw) ? raw : raw + "." + DEFAULT_TYPE);
    }

    /**
     * Builds a name from parts: {@code of("web", "01", "service")} is {@code web@01.service},
     * {@code of("web", "", "service")} the template, {@code of("db", null, "service")} plain.
     *
     * @param prefix the part before {@code @}; must not contain {@code @}
     * @param instance null for a plain name, empty for a template
     * @param type one of {@link #KNOWN_TYPES}
     * @throws InvalidUnitNameException when the parts do not make a valid name
     */
    public static UnitName of(String prefix, String instance, String type) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(type, "type");
        String name = prefix + (instance == null ? "" : "@" + instance) + "." + type;
        int at = prefix.indexOf('@');
        if (at >= 0) {
            throw new InvalidUnitNameException(name, at + 1, "the prefix must not contain '@'");
        }
        return new UnitName(name);
    }

    /** Whether {@code raw} ends in {@code .} followed by a known type. */
    public static boolean hasKnownType(String raw) {
        int dot = raw.lastIndexOf('.');
        return dot >= 0 && KNOWN_TYPES.contains(raw.substring(dot + 1));
    }

    /** Plain, template or instance. */
    public Kind kind() {
        int at = name.indexOf('@');
        if (at < 0) {
            return Kind.PLAIN;
        }
        return at + 1 == name.lastIndexOf('.') ? Kind.TEMPLATE : Kind.INSTANCE;
    }

    /** Whether this is a template, e.g. {@code web@.service}. */
    public boolean isTemplate() {
        return kind() == Kind.TEMPLATE;
    }

    /** Whether this is an instance of a template, e.g. {@code web@01.service}. */
    public boolean isInstance() {
        return kind() == Kind.INSTANCE;
    }

    /** The part before the first {@code @} (or before the type): {@code web} for {@code web@01.service}. */
    public String prefix() {
        int at = name.indexOf('@');
        return name.substring(0, at >= 0 ? at : name.lastIndexOf('.'));
    }

    /** The instance: {@code 01} for {@code web@01.service}; empty for templates and plain names. */
    public String instance() {
        int at = name.indexOf('@');
        return at < 0 ? "" : name.substring(at + 1, name.lastIndexOf('.'));
    }

    /** The type without the dot, e.g. {@code service}. */
    public String type() {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    /** The name without its type suffix ({@code %N}): {@code web@01} for {@code web@01.service}. */
    public String nameWithoutType() {
        return name.substring(0, name.lastIndexOf('.'));
    }

    /** For an instance, its template ({@code web@01.service} gives {@code web@.service}); else empty. */
    public Optional<UnitName> template() {
        return isInstance() ? Optional.of(new UnitName(prefix() + "@." + type())) : Optional.empty();
    }

    /**
     * The instance {@code instance} of this template (or of this instance's template).
     *
     * @throws InvalidUnitNameException when this is a plain name, or the instance makes an invalid name
     */
    public UnitName withInstance(String instance) {
        Objects.requireNonNull(instance, "instance");
        if (kind() == Kind.PLAIN) {
            throw new InvalidUnitNameException(name, 0, "not a template: only names with '@' have instances");
        }
        if (instance.isEmpty()) {
            throw new InvalidUnitNameException(name, 0, "an instance name must not be empty");
        }
        return new UnitName(prefix() + "@" + instance + "." + type());
    }

    /**
     * systemd's unit-name escaping ({@code systemd-escape}): {@code /} becomes {@code -}; a leading
     * {@code .}, {@code -}, {@code \} and every byte of a character outside
     * {@code A-Z a-z 0-9 : _ .} becomes {@code \xNN}. {@code unescape(escape(s)).equals(s)}.
     */
    public static String escape(String s) {
        StringBuilder b = new StringBuilder();
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int c = bytes[i] & 0xff;
            boolean plain = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                    || c == ':' || c == '_' || c == '.' && i > 0;
            if (c == '/') {
                b.append('-');
            } else if (plain) {
                b.append((char) c);
            } else {
                b.append(String.format("\\x%02x", c));
            }
        }
        return b.toString();
    }

    /**
     * systemd's unit-name unescaping, as used by {@code %P %I %f}: {@code -} becomes {@code /},
     * {@code \xNN} the byte NN (bytes are decoded as UTF-8); anything else is kept as it is.
     */
    public static String unescape(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); ) {
            char c = s.charAt(i);
            if (c == '-') {
                out.write('/');
                i++;
            } else if (c == '\\' && i + 3 < s.length() && s.charAt(i + 1) == 'x'
                    && Character.digit(s.charAt(i + 2), 16) >= 0 && Character.digit(s.charAt(i + 3), 16) >= 0) {
                out.write(Character.digit(s.charAt(i + 2), 16) * 16 + Character.digit(s.charAt(i + 3), 16));
                i += 4;
            } else {
                int cp = s.codePointAt(i);
                out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(cp);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Orders by name. */
    @Override
    public int compareTo(UnitName other) {
        return name.compareTo(other.name);
    }

    /** The full name. */
    @Override
    public String toString() {
        return name;
    }

    private static void validate(String name) {
        if (name.isEmpty()) {
            throw new InvalidUnitNameException(name, 0, "a unit name must not be empty");
        }
        if (name.length() > MAX_LENGTH) {
            throw new InvalidUnitNameException(name, MAX_LENGTH + 1, "it is " + name.length()
                    + " characters long; at most " + MAX_LENGTH + " are allowed");
        }
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            if (!allowed(cp)) {
                throw new InvalidUnitNameException(name, i + 1, "character " + Text.describe(cp)
                        + " at position " + (i + 1) + " is not allowed (allowed: " + ALLOWED + ")");
            }
            i += Character.charCount(cp);
        }
        if (name.charAt(0) == '@') {
            throw new InvalidUnitNameException(name, 1, "a unit name must not start with '@'");
        }
        int dot = name.lastIndexOf('.');
        if (dot < 0 || !KNOWN_TYPES.contains(name.substring(dot + 1))) {
            throw new InvalidUnitNameException(name, dot < 0 ? 0 : dot + 1, "it does not end in a known type ("
                    + String.join(", ", KNOWN_TYPES.stream().map(t -> "." + t).toList()) + ")");
        }
        int at = name.indexOf('@');
        if ((at >= 0 ? at : dot) == 0) {
            throw new InvalidUnitNameException(name, 1, "the part before the type must not be empty");
        }
    }

    private static boolean allowed(int c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                || c == ':' || c == '_' || c == '.' || c == '@' || c == '-' || c == '\\';
    }
}
