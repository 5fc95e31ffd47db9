package dev.flotilla.registry;

import java.util.Locale;

/**
 * The health of a service endpoint, as its agent's check last saw it (Consul's three levels): load
 * balancers send traffic to {@link #PASSING} endpoints only. Stored and shown in lower case.
 */
public enum ServiceHealth {
    /** The check passed (or the endpoint has no check and its unit is active). */
    PASSING,
    /** The check answered but not well (HTTP 429, a command's exit status 1). */
    WARNING,
    /** The check failed, timed out, or has not run yet. */
    CRITICAL;

    /** The stored and displayed name: {@code passing}, {@code warning}, {@code critical}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The health named {@code text} (as {@link #wireName} writes it; case-insensitive).
     *
     * @throws IllegalArgumentException for any other text
     */
    public static ServiceHealth parse(String text) {
        for (ServiceHealth h : values()) {
            if (h.name().equalsIgnoreCase(text)) {
                return h;
            }
        }
        throw new IllegalArgumentException("unknown health \"" + text + "\": expected passing, warning or critical");
    }
}
