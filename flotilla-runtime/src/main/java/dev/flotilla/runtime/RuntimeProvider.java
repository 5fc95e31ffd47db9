package dev.flotilla.runtime;

import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * A factory for one kind of {@link Runtime}, found with {@link ServiceLoader} (list the class in
 * {@code META-INF/services/dev.flotilla.runtime.RuntimeProvider}). Implementations must have a
 * public no-argument constructor and be stateless.
 */
public interface RuntimeProvider {

    /** A short name for logs and flags, e.g. {@code exec} or {@code docker}. */
    String name();

    /** The unit types (suffixes without the dot) the runtimes it opens handle, e.g. {@code service}. */
    Set<String> unitTypes();

    /**
     * Opens a runtime over {@code settings.stateDir()} (created when missing). Does not adopt yet:
     * call {@link Runtime#adopt()}.
     *
     * @throws UnitOperationException when the directory is unusable or the host lacks what the
     *     runtime needs (the message says what)
     */
    Runtime open(RuntimeSettings settings) throws UnitOperationException;

    /** Every provider on the class path, in {@link ServiceLoader} order. */
    static List<RuntimeProvider> all() {
        return ServiceLoader.load(RuntimeProvider.class).stream().map(ServiceLoader.Provider::get).toList();
    }

    /** The first provider that handles units of {@code unitType} (e.g. {@code service}), if any. */
    static Optional<RuntimeProvider> forUnitType(String unitType) {
        return all().stream().filter(p -> p.unitTypes().contains(unitType)).findFirst();
    }
}
