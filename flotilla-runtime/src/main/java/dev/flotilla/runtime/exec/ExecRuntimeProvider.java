package dev.flotilla.runtime.exec;

import java.util.Set;

import dev.flotilla.runtime.Runtime;
import dev.flotilla.runtime.RuntimeProvider;
import dev.flotilla.runtime.RuntimeSettings;
import dev.flotilla.runtime.UnitOperationException;

/** Opens {@link ExecRuntime}s for {@code .service} units; listed for {@link java.util.ServiceLoader}. Stateless. */
public final class ExecRuntimeProvider implements RuntimeProvider {

    /** For {@link java.util.ServiceLoader}. */
    public ExecRuntimeProvider() {}

    @Override
    public String name() {
        return "exec";
    }

    @Override
    public Set<String> unitTypes() {
        return ExecRuntime.UNIT_TYPES;
    }

    @Override
    public Runtime open(RuntimeSettings settings) throws UnitOperationException {
        return ExecRuntime.open(ExecRuntimeConfig.of(settings.stateDir()).withClock(settings.clock()));
    }
}
