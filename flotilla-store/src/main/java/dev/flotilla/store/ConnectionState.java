package dev.flotilla.store;

/**
 * The health of a store connection, in the sense of Apache Curator's states.
 *
 * <ul>
 *   <li>{@link #CONNECTED}: the store answers.</li>
 *   <li>{@link #SUSPENDED}: the store has stopped answering; leases may still be alive, so work
 *       tied to them may go on, but nothing new should be decided (a leader pauses).</li>
 *   <li>{@link #LOST}: the store has not answered for longer than the connection's session
 *       timeout: leases granted through it must be taken as expired (an agent fences its units).
 *       The state returns to {@link #CONNECTED} once the store answers again.</li>
 * </ul>
 */
public enum ConnectionState { CONNECTED, SUSPENDED, LOST }
