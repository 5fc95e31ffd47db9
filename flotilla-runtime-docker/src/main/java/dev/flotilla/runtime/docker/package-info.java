/**
 * The Docker runtime: {@code .container} units (Podman Quadlet's {@code [Container]} keys) run as containers of
 * the machine's Docker engine through its API, with systemd's states, {@code Restart=} and journals, adopted
 * untouched across agent restarts. {@link dev.flotilla.runtime.docker.DockerRuntimeProvider} makes the agent
 * use it for {@code .container} units; see docs/docker-runtime.md.
 */
package dev.flotilla.runtime.docker;
