package dev.flotilla.agent;

/**
 * Told of an {@link Agent}'s {@link AgentEvent}s, in order, from one agent thread at a time. Must
 * return quickly and must not call back into the agent's blocking methods; an exception it throws
 * is logged and ignored.
 */
@FunctionalInterface
public interface AgentListener {

    /** Something happened to the agent. */
    void onEvent(AgentEvent event);
}
