package dev.flotilla.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.flotilla.api.Pages;
import dev.flotilla.api.Unit;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.RegistryException;
import dev.flotilla.registry.RegistrySnapshot;
import dev.flotilla.registry.UnitRecord;
import dev.flotilla.registry.UnitStateRecord;
import dev.flotilla.store.StoreException;
import dev.flotilla.unit.InvalidUnitNameException;
import dev.flotilla.unit.UnitName;
import io.javalin.http.Context;

/**
 * {@code GET /fleet/v1/units}, {@code GET /fleet/v1/units/{name}} and {@code DELETE /fleet/v1/units/{name}}
 * ({@code PUT} is {@link UnitSubmissions}). Thread-safe: every request reads the registry afresh.
 */
final class UnitsResource {

    private final Registry registry;
    private final int pageSize;

    UnitsResource(Registry registry, int pageSize) {
        this.registry = registry;
        this.pageSize = pageSize;
    }

    /** One page of units sorted by name, read at one revision. */
    void list(Context ctx) throws StoreException {
        RegistrySnapshot snapshot = registry.snapshot();
        List<UnitRecord> units = new ArrayList<>(snapshot.units().values());
        Paging.Page<UnitRecord> page = Paging.page(ctx, units, u -> u.name().name(), pageSize);
        Map<UnitName, List<UnitStateRecord>> states = new HashMap<>();
        snapshot.states().forEach(s -> states.computeIfAbsent(s.unit(), k -> new ArrayList<>()).add(s));
        List<Unit> views = page.items().stream().map(u -> FleetViews.unit(u,
                Optional.ofNullable(snapshot.schedule().get(u.name())), states.getOrDefault(u.name(), List.of()),
                false)).toList();
        Json.respond(ctx, 200, new Pages.UnitPage(views, page.nextPageToken()));
    }

    /** One unit, with its contents as submitted; 404 when there is none. */
    void get(Context ctx) throws StoreException {
        UnitName name = pathUnit(ctx);
        UnitRecord unit = registry.units().get(name)
                .orElseThrow(() -> ApiFailure.notFound("unit " + name + " does not exist"));
        Json.respond(ctx, 200, FleetViews.unit(unit, registry.schedule().get(name), registry.states().ofUnit(name), true));
    }

    /** Destroys the unit: 204, or 404 when there is none. */
    void destroy(Context ctx) throws StoreException, RegistryException {
        UnitName name = pathUnit(ctx);
        if (!registry.units().destroy(name)) {
            throw ApiFailure.notFound("unit " + name + " does not exist");
        }
        ctx.status(204);
    }

    /**
     * The unit named by the path's {@code {name}}.
     *
     * @throws ApiFailure 400 when it is not a valid unit name
     */
    static UnitName pathUnit(Context ctx) {
        String raw = ctx.pathParam("name");
        try {
            return new UnitName(raw);
        } catch (InvalidUnitNameException e) {
            throw ApiFailure.badRequest(e.getMessage());
        }
    }
}
