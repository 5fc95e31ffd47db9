/**
 * Keeping an external HAProxy's backend in step with Flotilla's backends through HAProxy's
 * Runtime API: {@link dev.flotilla.lb.haproxy.HaproxySync} (what {@code flotilla lb --sync-haproxy}
 * runs) over {@link dev.flotilla.lb.haproxy.HaproxyRuntimeApi}.
 */
package dev.flotilla.lb.haproxy;
