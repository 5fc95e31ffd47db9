package dev.flotilla.registry;

import java.util.List;
import java.util.Objects;

/**
 * The endpoints of one service (or of all, for a watch of every service) at one store revision:
 * what {@link Services#ofService} reads and what {@link Services#watch} delivers on every change, so
 * that consumers replace their list rather than apply deltas. Immutable.
 *
 * @param revision the store revision the list reflects
 * @param endpoints by service, then unit, then machine
 */
public record ServiceSnapshot(long revision, List<ServiceEndpoint> endpoints) {

    /** Copies the list. */
    public ServiceSnapshot {
        endpoints = List.copyOf(Objects.requireNonNull(endpoints, "endpoints"));
    }

    /** The endpoints whose health is {@code health}. */
    public List<ServiceEndpoint> withHealth(ServiceHealth health) {
        return endpoints.stream().filter(e -> e.health() == health).toList();
    }
}
