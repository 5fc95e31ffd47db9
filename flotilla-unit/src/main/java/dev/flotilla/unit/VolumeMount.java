package dev.flotilla.unit;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One {@code Volume=} mount, Quadlet's {@code [[SOURCE:]TARGET[:OPTIONS]]}: a bind mount of a host
 * path ({@code /srv/db:/var/lib/mysql:Z}), a named volume ({@code dbdata:/var/lib/mysql},
 * {@code dbdata.volume:/data}) or an anonymous volume ({@code /cache}). Immutable.
 *
 * @param kind bind, named or anonymous
 * @param source the host path or volume name; empty for an anonymous volume
 * @param target the absolute path inside the container
 * @param options mount options ({@code ro}, {@code z}, ...), in order
 */
public record VolumeMount(Kind kind, String source, String target, List<String> options) {

    /** What a mount's source is. */
    public enum Kind {
        /** A host path (starts with {@code /}). */
        BIND,
        /** A named volume, created on first use. */
        NAMED,
        /** A fresh volume with no name. */
        ANONYMOUS
    }

    /** The mount options accepted after the second colon (comma-separated). */
    public static final Set<String> KNOWN_OPTIONS = Set.of("ro", "rw", "z", "Z", "U", "O", "copy", "nocopy",
            "shared", "rshared", "slave", "rslave", "private", "rprivate", "bind", "rbind", "exec", "noexec",
            "dev", "nodev", "suid", "nosuid", "idmap");

    private static final Pattern VOLUME_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    /**
     * Checks that the parts agree with the kind.
     *
     * @throws IllegalArgumentException when they do not
     */
    public VolumeMount {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        options = List.copyOf(options);
        if (!target.startsWith("/") || (kind == Kind.ANONYMOUS) != source.isEmpty()
                || kind == Kind.BIND && !source.startsWith("/")
                || kind == Kind.NAMED && !VOLUME_NAME.matcher(source).matches()) {
            throw new IllegalArgumentException("inconsistent volume mount: " + kind + " " + source + ":" + target);
        }
    }

    /**
     * Parses Quadlet's {@code Volume=} syntax.
     *
     * @throws ValueSyntaxException when the target is not absolute, the source is neither an
     *     absolute path nor a valid volume name, an option is unknown, or there are too many colons
     */
    public static VolumeMount parse(String value) {
        String[] parts = value.split(":", -1);
        if (parts.length > 3) {
            throw new ValueSyntaxException(0, "expected [source:]target[:options], got " + Text.quote(value));
        }
        if (parts.length == 1) {
            absolute(parts[0], 0);
            return new VolumeMount(Kind.ANONYMOUS, "", parts[0], List.of());
        }
        String source = parts[0];
        Kind kind;
        if (source.startsWith("/")) {
            kind = Kind.BIND;
        } else if (VOLUME_NAME.matcher(source).matches()) {
            kind = Kind.NAMED;
        } else {
            throw new ValueSyntaxException(0, "source " + Text.quote(source) + " is neither an absolute host path "
                    + "nor a volume name ([A-Za-z0-9][A-Za-z0-9_.-]*)");
        }
        absolute(parts[1], source.length() + 1);
        List<String> options = List.of();
        if (parts.length == 3) {
            int at = source.length() + parts[1].length() + 2;
            options = List.of(parts[2].split(",", -1));
            for (String o : options) {
                if (!KNOWN_OPTIONS.contains(o) && !o.startsWith("idmap=")) {
                    throw new ValueSyntaxException(at, "unknown volume option " + Text.quote(o) + "; known: "
                            + String.join(" ", KNOWN_OPTIONS.stream().sorted().toList()));
                }
                at += o.length() + 1;
            }
        }
        return new VolumeMount(kind, source, parts[1], options);
    }

    /** {@code [source:]target[:options]}, which {@link #parse} reads back. */
    @Override
    public String toString() {
        return (source.isEmpty() ? "" : source + ":") + target + (options.isEmpty() ? "" : ":" + String.join(",", options));
    }

    private static void absolute(String target, int offset) {
        if (!target.startsWith("/")) {
            throw new ValueSyntaxException(offset, "container path " + Text.quote(target) + " must be absolute "
                    + "(start with /)");
        }
    }
}
