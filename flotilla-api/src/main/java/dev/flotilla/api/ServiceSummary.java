package dev.flotilla.api;

/**
 * Flotilla extension, {@code GET /v1/services}: one registered service and how healthy its endpoints are.
 * Immutable.
 *
 * @param name the service's name
 * @param endpoints how many endpoints it has (the sum of the three counts)
 * @param passing how many are passing
 * @param warning how many are warning
 * @param critical how many are critical
 */
public record ServiceSummary(String name, int endpoints, int passing, int warning, int critical) {
}
