package dev.flotilla.engine;

import dev.flotilla.registry.Leadership;
import java.util.Optional;

/**
 * Told what an {@link Engine} does: every pass it completes as leader (with the decisions it
 * wrote), and every change of its role. Called from
 * the engine's thread, one call at a time, in order; a listener must return quickly (hand work
 * elsewhere). An exception thrown by a listener is logged and the engine goes on.
 */
@FunctionalInterface
public interface EngineListener {

    /** A pass completed (also passes that wrote nothing: see {@link PassReport#wrote()}). */
    void passCompleted(PassReport report);

    /**
     * The engine's role changed.
     *
     * @param role the new role
     * @param leader the leader as the engine sees it now (empty when unknown or nobody)
     */
    default void roleChanged(EngineStatus.Role role, Optional<Leadership> leader) {
    }
}
