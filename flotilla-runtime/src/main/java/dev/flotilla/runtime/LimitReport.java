package dev.flotilla.runtime;

import java.util.Objects;

/**
 * What became of one resource setting of a unit ({@code MemoryMax=}, {@code CPUWeight=}, ...):
 * applied, and how, or not applied, and why. Immutable.
 *
 * @param setting the unit-file key, e.g. {@code MemoryMax}
 * @param value the value as written, e.g. {@code 64M}
 * @param applied whether the host enforces it for this unit
 * @param detail how it is enforced ({@code memory.limit_in_bytes=67108864 in /sys/fs/cgroup/memory/...})
 *     or why not ({@code no writable cgroup memory controller})
 */
public record LimitReport(String setting, String value, boolean applied, String detail) {

    /** Checks that no component is null. */
    public LimitReport {
        Objects.requireNonNull(setting, "setting");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(detail, "detail");
    }

    /** One line: {@code MemoryMax=64M applied (...)} or {@code MemoryMax=64M NOT applied: ...}. */
    public String describe() {
        return setting + "=" + value + (applied ? " applied (" + detail + ")" : " NOT applied: " + detail);
    }
}
