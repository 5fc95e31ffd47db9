package dev.flotilla.server;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import dev.flotilla.api.Pages;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.ScheduleEntry;
import dev.flotilla.registry.UnitStateRecord;
import dev.flotilla.store.StoreException;
import dev.flotilla.unit.InvalidUnitNameException;
import dev.flotilla.unit.UnitName;
import io.javalin.http.Context;

/**
 * {@code GET /fleet/v1/state} (filtered by {@code machineID} and {@code unitName}, paged) and
 * {@code GET /fleet/v1/state/{name}} (what fleetctl's start polls). Thread-safe.
 */
final class StatesResource {

    private final Registry registry;
    private final int pageSize;

    StatesResource(Registry registry, int pageSize) {
        this.registry = registry;
        this.pageSize = pageSize;
    }

    /** One page of states, sorted by unit, then machine. */
    void list(Context ctx) throws StoreException {
        String machine = ctx.queryParam("machineID");
        String unit = ctx.queryParam("unitName");
        List<UnitStateRecord> states = unit == null || unit.isEmpty() ? registry.states().list() : ofUnit(unit);
        if (machine != null && !machine.isEmpty()) {
            states = states.stream().filter(s -> s.machineId().value().equals(machine)).toList();
        }
        Paging.Page<UnitStateRecord> page = Paging.page(ctx, states, StatesResource::key, pageSize);
        Json.respond(ctx, 200, new Pages.StatePage(page.items().stream().map(FleetViews::state).toList(),
                page.nextPageToken()));
    }

    /** The unit's state on the machine it is placed on (else its first state); 404 when there is none. */
    void get(Context ctx) throws StoreException {
        UnitName name = UnitsResource.pathUnit(ctx);
        List<UnitStateRecord> states = registry.states().ofUnit(name);
        Optional<ScheduleEntry> placement = states.size() > 1 ? registry.schedule().get(name) : Optional.empty();
        UnitStateRecord state = states.stream()
                .min(Comparator.comparing(s -> placement.filter(p -> p.machineId().equals(s.machineId())).isEmpty()))
                .orElseThrow(() -> ApiFailure.notFound("unit state of " + name + " does not exist"));
        Json.respond(ctx, 200, FleetViews.state(state));
    }

    private List<UnitStateRecord> ofUnit(String unit) throws StoreException {
        try {
            return registry.states().ofUnit(new UnitName(unit));
        } catch (InvalidUnitNameException e) {
            return List.of();
        }
    }

    /** Sorts like the registry's list: "a.service\0..." before "a.service.x\0...", as by unit name. */
    private static String key(UnitStateRecord s) {
        return s.unit().name() + '\0' + s.machineId().value();
    }
}
