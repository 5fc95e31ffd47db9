/**
 * The runtime SPI: how an agent runs the units scheduled on its machine. A {@link
 * dev.flotilla.runtime.Runtime} handles some unit types ({@code .service} for the exec runtime,
 * {@code .container} for the Docker runtime), is found with {@link dev.flotilla.runtime.RuntimeProvider}
 * through {@link java.util.ServiceLoader}, and reports systemd-style states ({@link
 * dev.flotilla.runtime.UnitStatus}: load/active/sub) to {@link dev.flotilla.runtime.UnitStateListener}s.
 *
 * <p>The contract every implementation keeps (and the contract test suite checks): start and stop
 * are asynchronous and report through states; the whole process tree of a unit is gone after a
 * stop; a runtime closed without stopping its units leaves them running, and a new runtime over the
 * same state directory adopts them untouched (same PIDs, journal continues, exits still noticed).
 */
package dev.flotilla.runtime;
