/**
 * The load balancer ({@code flotilla lb}): backends from a {@link dev.flotilla.lb.BackendSource},
 * health-checked, balanced over HTTP/1.1 or TCP on Netty. docs/load-balancer.md describes it.
 */
package dev.flotilla.lb;
