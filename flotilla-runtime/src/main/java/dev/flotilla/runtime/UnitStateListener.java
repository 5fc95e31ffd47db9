package dev.flotilla.runtime;

/**
 * Told about every state change of every unit of a runtime, so the agent can publish states
 * without polling. Calls for one unit arrive in order on that unit's thread; calls for different
 * units may arrive concurrently. A listener must return quickly and must not call back into the
 * runtime's blocking operations; an exception it throws is logged and ignored.
 */
@FunctionalInterface
public interface UnitStateListener {

    /** {@code status} is the unit's new status (already persisted by the runtime). */
    void onStateChange(UnitStatus status);
}
