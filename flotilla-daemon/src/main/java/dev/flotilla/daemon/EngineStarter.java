package dev.flotilla.daemon;

import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

import dev.flotilla.agent.AgentEvent;
import dev.flotilla.agent.AgentListener;
import dev.flotilla.engine.Engine;
import dev.flotilla.engine.EngineListener;
import dev.flotilla.engine.EngineSettings;
import dev.flotilla.registry.Registry;
import dev.flotilla.store.KvStore;
import dev.flotilla.store.Lease;

/**
 * Starts the machine's engine when its agent first joins, and keeps the engine's lease current:
 * leadership is campaigned for on the agent's lease, so it dies with the machine. After a fence the
 * agent joins again with a new lease, and the same engine campaigns with that one. Thread-safe.
 */
final class EngineStarter implements AgentListener {

    private final Registry registry;
    private final KvStore store;
    private final EngineListener listener;
    private final AtomicLong lease = new AtomicLong(Lease.NONE);
    private Engine engine; // guarded by this
    private boolean closed; // guarded by this

    EngineStarter(Registry registry, KvStore store, EngineListener listener) {
        this.registry = registry;
        this.store = store;
        this.listener = listener;
    }

    @Override
    public void onEvent(AgentEvent event) {
        if (event instanceof AgentEvent.Joined joined) {
            lease.set(joined.leaseId());
            synchronized (this) {
                if (engine == null && !closed) {
                    engine = new Engine(registry, store, joined.machineId(), lease::get, InstantSource.system(),
                            EngineSettings.defaults());
                    engine.addListener(listener);
                    engine.start();
                }
            }
        }
    }

    /** Stops the engine (a leader resigns, so another machine takes over at once). */
    synchronized void close() {
        closed = true;
        if (engine != null) {
            engine.close();
        }
    }
}
