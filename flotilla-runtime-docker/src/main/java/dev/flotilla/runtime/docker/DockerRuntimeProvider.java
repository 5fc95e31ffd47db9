package dev.flotilla.runtime.docker;

import java.util.Set;

import dev.flotilla.runtime.Runtime;
import dev.flotilla.runtime.RuntimeProvider;
import dev.flotilla.runtime.RuntimeSettings;
import dev.flotilla.runtime.UnitOperationException;

/**
 * Opens {@link DockerRuntime}s for {@code .container} units; listed for {@link java.util.ServiceLoader}.
 * Opening never contacts the engine, so an agent starts (and runs its other units) while Docker is down.
 * Stateless.
 */
public final class DockerRuntimeProvider implements RuntimeProvider {

    /** For {@link java.util.ServiceLoader}. */
    public DockerRuntimeProvider() {}

    @Override
    public String name() {
        return "docker";
    }

    @Override
    public Set<String> unitTypes() {
        return DockerRuntime.UNIT_TYPES;
    }

    @Override
    public Runtime open(RuntimeSettings settings) throws UnitOperationException {
        DockerRuntimeConfig config = DockerRuntimeConfig.of(settings.stateDir()).withClock(settings.clock());
        return DockerRuntime.open(settings.machineId().map(config::withMachineId).orElse(config));
    }
}
