package dev.flotilla.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.flotilla.api.ServiceSummary;
import dev.flotilla.api.ServiceView;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.ServiceEndpoint;
import dev.flotilla.registry.ServiceHealth;
import dev.flotilla.registry.ServiceSnapshot;
import dev.flotilla.store.StoreException;
import dev.flotilla.unit.Secrets;
import io.javalin.http.Context;

/**
 * Service discovery, {@code GET /v1/services} and {@code GET /v1/services/{name}[?health=]}: the endpoints agents
 * register for their units' {@code [X-Service]} sections, read from the registry ({@code Registry#services()}),
 * each check's output masked with {@link Secrets#redact}. A service exists while someone registers it: an unknown
 * name has an empty list, not a 404. The watch of one service is {@link ServiceWatches}. Thread-safe.
 */
final class ServicesResource {

    private final Registry registry;

    ServicesResource(Registry registry) {
        this.registry = registry;
    }

    /** {@code GET /v1/services}: {@code {"services":[{"name","endpoints","passing","warning","critical"}]}} by name. */
    void list(Context ctx) throws StoreException {
        Json.respond(ctx, 200, Map.of("services", summaries(registry.services().list())));
    }

    /** {@code GET /v1/services/{name}}: the service's endpoints, by unit then machine, in one health if asked. */
    void get(Context ctx) throws StoreException {
        String name = pathService(ctx);
        Optional<ServiceHealth> health = health(ctx);
        Json.respond(ctx, 200, view(name, registry.services().ofService(name), health));
    }

    /** One line per service, sorted by name, counting its endpoints by health. */
    static List<ServiceSummary> summaries(List<ServiceEndpoint> endpoints) {
        Map<String, int[]> counts = new TreeMap<>();
        for (ServiceEndpoint e : endpoints) {
            counts.computeIfAbsent(e.service(), s -> new int[3])[e.health().ordinal()]++;
        }
        List<ServiceSummary> out = new ArrayList<>();
        counts.forEach((name, c) -> out.add(new ServiceSummary(name, c[0] + c[1] + c[2],
                c[ServiceHealth.PASSING.ordinal()], c[ServiceHealth.WARNING.ordinal()], c[ServiceHealth.CRITICAL.ordinal()])));
        return out;
    }

    /** The API's view of {@code snapshot}: its endpoints in {@code health} (all when empty), outputs masked. */
    static ServiceView view(String service, ServiceSnapshot snapshot, Optional<ServiceHealth> health) {
        return new ServiceView(service, snapshot.revision(), snapshot.endpoints().stream()
                .filter(e -> health.isEmpty() || e.health() == health.get())
                .map(ServicesResource::endpoint).toList());
    }

    static dev.flotilla.api.ServiceEndpoint endpoint(ServiceEndpoint e) {
        return new dev.flotilla.api.ServiceEndpoint(e.service(), e.unit().name(), e.machineId().value(), e.address(),
                e.port(), e.tags(), e.health().wireName(), e.since().toString(), e.output().map(Secrets::redact).orElse(null));
    }

    /**
     * The service the path's {@code {name}} names.
     *
     * @throws ApiFailure 400 when it is not a service name
     */
    static String pathService(Context ctx) {
        String name = ctx.pathParam("name");
        if (!ServiceEndpoint.isValidName(name)) {
            throw ApiFailure.badRequest("\"" + name + "\" is not a service name: lowercase letters, digits and -, "
                    + "starting with a letter or digit, at most 63 characters (as [X-Service] Name= allows)");
        }
        return name;
    }

    /**
     * The {@code ?health=} filter; empty when absent.
     *
     * @throws ApiFailure 400 when it is not one health
     */
    static Optional<ServiceHealth> health(Context ctx) {
        List<String> values = ctx.queryParams("health");
        if (values.isEmpty() || values.size() == 1 && values.getFirst().isEmpty()) {
            return Optional.empty();
        }
        if (values.size() > 1) {
            throw ApiFailure.badRequest("too many values for query parameter health");
        }
        for (ServiceHealth h : ServiceHealth.values()) {
            if (h.wireName().equals(values.getFirst())) {
                return Optional.of(h);
            }
        }
        throw ApiFailure.badRequest("health must be passing, warning or critical, not \"" + values.getFirst() + "\"");
    }
}
