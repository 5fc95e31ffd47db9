package dev.flotilla.lb;

import java.util.Objects;

/**
 * One backend a {@link BackendSource} knows: where it listens, a stable identity (for a registry
 * endpoint its unit and machine, for the tutorial's keys the key's last path component, for a
 * static backend {@code host:port}), and whether its source considers it healthy. The balancer
 * runs its own checks on top; a backend its source reports unhealthy never gets traffic.
 */
public record BackendAddress(String id, String host, int port, boolean passing) {

    public BackendAddress {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
        if (id.isBlank() || host.isBlank()) {
            throw new IllegalArgumentException("backend id and host must not be blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("backend " + id + ": port " + port + " is not in 1..65535");
        }
    }

    /** {@code host:port}, as HAProxy and the logs show it. */
    public String hostPort() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
