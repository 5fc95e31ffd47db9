package dev.flotilla.server;

import java.util.List;

import dev.flotilla.api.Pages;
import dev.flotilla.registry.Machine;
import dev.flotilla.registry.Registry;
import dev.flotilla.store.StoreException;
import io.javalin.http.Context;

/** {@code GET /fleet/v1/machines} (paged) and {@code PATCH /fleet/v1/machines} (not yet). Thread-safe. */
final class MachinesResource {

    private final Registry registry;
    private final int pageSize;

    MachinesResource(Registry registry, int pageSize) {
        this.registry = registry;
        this.pageSize = pageSize;
    }

    /** One page of the registered machines, sorted by ID. */
    void list(Context ctx) throws StoreException {
        List<Machine> machines = registry.machines().list();
        Paging.Page<Machine> page = Paging.page(ctx, machines, m -> m.id().value(), pageSize);
        Json.respond(ctx, 200, new Pages.MachinePage(page.items().stream().map(FleetViews::machine).toList(),
                page.nextPageToken()));
    }

    /**
     * fleet's metadata edits. A machine's metadata lives on its agent's lease and is what its agent
     * registers, so an edit would be overwritten at the next registration: refused until metadata edits
     * have a home of their own in the registry.
     */
    void patch(Context ctx) {
        throw new ApiFailure(501, "editing machine metadata through the API is not supported yet: set it with "
                + "the agent's --metadata flag and restart the agent");
    }
}
