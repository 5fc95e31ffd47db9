package dev.flotilla.server;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.flotilla.api.MachineDetails;
import dev.flotilla.api.Pages;
import dev.flotilla.registry.Drain;
import dev.flotilla.registry.Machine;
import dev.flotilla.registry.MachineId;
import dev.flotilla.registry.Registry;
import dev.flotilla.store.StoreException;
import io.javalin.http.Context;

/**
 * {@code GET /fleet/v1/machines} (paged), {@code PATCH /fleet/v1/machines} (not yet), and Flotilla's
 * {@code GET /v1/machines} (every machine with its details and drain) and {@code POST/DELETE
 * /v1/machines/{id}/drain}. Thread-safe.
 */
final class MachinesResource {

    private final Registry registry;
    private final int pageSize;
    private final int maxBodyBytes;

    MachinesResource(Registry registry, int pageSize, int maxBodyBytes) {
        this.registry = registry;
        this.pageSize = pageSize;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** The body of a drain request: why (optional). */
    record DrainRequest(String reason) {
    }

    /** One page of the registered machines, sorted by ID. */
    void list(Context ctx) throws StoreException {
        List<Machine> machines = registry.machines().list();
        Paging.Page<Machine> page = Paging.page(ctx, machines, m -> m.id().value(), pageSize);
        Json.respond(ctx, 200, new Pages.MachinePage(page.items().stream().map(FleetViews::machine).toList(),
                page.nextPageToken()));
    }

    /** Every registered machine with its details and drain, sorted by ID. */
    void details(Context ctx) throws StoreException {
        Map<MachineId, Drain> drains = drainsById();
        Json.respond(ctx, 200, Map.of("machines", registry.machines().list().stream()
                .map(m -> details(m.id(), Optional.of(m), Optional.ofNullable(drains.get(m.id())))).toList()));
    }

    /** Drains the machine {@code {id}} names (a registered machine's ID or unique prefix); answers its details. */
    void drain(Context ctx) throws StoreException {
        String reason = "";
        byte[] body = Json.body(ctx, maxBodyBytes);
        if (body.length > 0) {
            DrainRequest request = Json.read(body, DrainRequest.class);
            reason = request.reason() == null ? "" : request.reason();
        }
        if (reason.length() > Drain.MAX_REASON) {
            throw ApiFailure.badRequest("reason must have at most " + Drain.MAX_REASON + " characters, not "
                    + reason.length());
        }
        TreeMap<MachineId, Machine> machines = registered();
        MachineId id = resolve(ctx.pathParam("id"), machines.keySet());
        Drain drain = registry.drains().drain(id, reason);
        Json.respond(ctx, 200, details(id, Optional.ofNullable(machines.get(id)), Optional.of(drain)));
    }

    /**
     * Ends the drain of the machine {@code {id}} names: a registered machine, or a drained one whose agent is away
     * (so a drain never outlives the means to end it). Answers its details.
     */
    void undrain(Context ctx) throws StoreException {
        TreeMap<MachineId, Machine> machines = registered();
        TreeSet<MachineId> known = new TreeSet<>(machines.keySet());
        known.addAll(drainsById().keySet());
        MachineId id = resolve(ctx.pathParam("id"), known);
        registry.drains().undrain(id);
        Json.respond(ctx, 200, details(id, Optional.ofNullable(machines.get(id)), Optional.empty()));
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

    private TreeMap<MachineId, Machine> registered() throws StoreException {
        TreeMap<MachineId, Machine> out = new TreeMap<>();
        registry.machines().list().forEach(m -> out.put(m.id(), m));
        return out;
    }

    private Map<MachineId, Drain> drainsById() throws StoreException {
        TreeMap<MachineId, Drain> out = new TreeMap<>();
        registry.drains().list().forEach(d -> out.put(d.machineId(), d));
        return out;
    }

    /** The one machine among {@code known} whose ID starts with {@code text}: 404 for none, 400 for several. */
    static MachineId resolve(String text, java.util.Collection<MachineId> known) {
        List<MachineId> matches = known.stream().filter(id -> !text.isEmpty() && id.value().startsWith(text)).toList();
        if (matches.isEmpty()) {
            throw ApiFailure.notFound("machine " + text + " does not exist: no registered machine's ID starts with \""
                    + text + "\" (see GET /v1/machines)");
        }
        if (matches.size() > 1) {
            throw ApiFailure.badRequest("machine " + text + " is ambiguous: it starts the IDs of "
                    + matches.stream().map(MachineId::value).toList() + "; give more of the ID");
        }
        return matches.getFirst();
    }

    private static MachineDetails details(MachineId id, Optional<Machine> machine, Optional<Drain> drain) {
        return new MachineDetails(id.value(), machine.map(Machine::publicIp).orElse(null),
                machine.map(Machine::hostname).filter(h -> !h.isEmpty()).orElse(null),
                machine.map(Machine::metadata).orElse(null), machine.map(Machine::apiUrl).orElse(null),
                machine.flatMap(Machine::capacity).map(c -> new MachineDetails.Capacity(c.cpuMillis(), c.memoryBytes()))
                        .orElse(null),
                machine.map(m -> m.joinedAt().toString()).orElse(null),
                drain.map(d -> new MachineDetails.Draining(d.since().toString(), d.reason())).orElse(null));
    }
}
