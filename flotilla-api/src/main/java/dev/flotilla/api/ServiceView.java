package dev.flotilla.api;

import java.util.List;

/**
 * Flotilla extension, {@code GET /v1/services/{name}} and each event of its watch: every endpoint of one service
 * at one store revision, sorted by unit then machine. Always the whole list, never a change to apply. Immutable.
 *
 * @param service the service's name
 * @param revision the store revision the list was read at (later lists have higher revisions)
 * @param endpoints its endpoints (with a health filter, only those that pass it); empty when nobody serves it
 */
public record ServiceView(String service, long revision, List<ServiceEndpoint> endpoints) {

    /** Copies the endpoints (missing reads as none). */
    public ServiceView {
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    }
}
