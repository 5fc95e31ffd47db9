package dev.flotilla.unit;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Mounts every volume of another container at the same paths, Docker's and Podman's
 * {@code --volumes-from CONTAINER[:ro|rw]}: the tutorial's way to share an anonymous volume
 * between two containers. Quadlet has no key of its own for it, so a unit writes it as Podman
 * would run it, {@code PodmanArgs=--volumes-from=db1:ro}, the one {@code PodmanArgs=} argument
 * Flotilla accepts. Immutable.
 *
 * @param container the other container's name (its {@code ContainerName=}) or ID
 * @param readOnly whether the volumes are mounted read-only ({@code :ro}); read-write by default
 */
public record VolumesFrom(String container, boolean readOnly) {

    private static final Pattern CONTAINER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]+");

    /**
     * Checks the container reference.
     *
     * @throws IllegalArgumentException when it is not a container name or ID
     */
    public VolumesFrom {
        Objects.requireNonNull(container, "container");
        if (!CONTAINER.matcher(container).matches()) {
            throw new IllegalArgumentException("not a container name: " + Text.quote(container));
        }
    }

    /**
     * Parses {@code CONTAINER[:ro|rw]}.
     *
     * @throws ValueSyntaxException when the name is malformed or the option is neither {@code ro} nor {@code rw}
     */
    public static VolumesFrom parse(String value) {
        int colon = value.indexOf(':');
        String name = colon < 0 ? value : value.substring(0, colon);
        String option = colon < 0 ? "rw" : value.substring(colon + 1);
        if (!CONTAINER.matcher(name).matches()) {
            throw new ValueSyntaxException(0, "--volumes-from needs a container name (2 or more of [A-Za-z0-9_.-]), got "
                    + Text.quote(name));
        }
        if (!option.equals("ro") && !option.equals("rw")) {
            throw new ValueSyntaxException(colon + 1, "--volumes-from takes :ro or :rw, got " + Text.quote(option));
        }
        return new VolumesFrom(name, option.equals("ro"));
    }

    /** {@code CONTAINER[:ro]}, which {@link #parse} reads back. */
    @Override
    public String toString() {
        return container + (readOnly ? ":ro" : "");
    }
}
